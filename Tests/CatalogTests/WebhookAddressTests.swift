import Foundation
import Testing

@testable import Catalog

@Suite("Webhook addresses")
struct WebhookAddressTests {
    @Test("literals are read as the resolver reads them, and classified through their IPv6 forms", arguments: [
        ("127.0.0.1", "127.0.0.1", IPAddress.Category.loopback),
        ("127.1", "127.0.0.1", .loopback),
        ("127.0.1", "127.0.0.1", .loopback),
        ("0x7f000001", "127.0.0.1", .loopback),
        ("0X7F000001", "127.0.0.1", .loopback),
        ("2130706433", "127.0.0.1", .loopback),
        ("0177.0.0.1", "127.0.0.1", .loopback),
        ("0x7f.1", "127.0.0.1", .loopback),
        ("127.255.255.254", "127.255.255.254", .loopback),
        ("::1", "::1", .loopback),
        ("[::1]", "::1", .loopback),
        ("[::ffff:7f00:1]", "::ffff:127.0.0.1", .loopback),
        ("::ffff:127.0.0.1", "::ffff:127.0.0.1", .loopback),
        ("::127.0.0.1", "::127.0.0.1", .loopback),
        ("::ffff:0:127.0.0.1", "::ffff:0:7f00:1", .loopback),
        ("64:ff9b::7f00:1", "64:ff9b::7f00:1", .loopback),
        ("2002:7f00:1::", "2002:7f00:1::", .loopback),
        ("169.254.169.254", "169.254.169.254", .linkLocal),
        ("::ffff:169.254.169.254", "::ffff:169.254.169.254", .linkLocal),
        ("fe80::1", "fe80::1", .linkLocal),
        ("fe80::1%eth0", "fe80::1", .linkLocal),
        ("febf::1", "febf::1", .linkLocal),
        ("224.0.0.1", "224.0.0.1", .multicast),
        ("239.255.255.250", "239.255.255.250", .multicast),
        ("ff02::1", "ff02::1", .multicast),
        ("0.0.0.0", "0.0.0.0", .unspecified),
        ("0", "0.0.0.0", .unspecified),
        ("0.1.2.3", "0.1.2.3", .unspecified),
        ("::", "::", .unspecified),
        ("::ffff:0.0.0.0", "::ffff:0.0.0.0", .unspecified),
        ("255.255.255.255", "255.255.255.255", .broadcast),
        ("0xffffffff", "255.255.255.255", .broadcast),
        ("240.0.0.1", "240.0.0.1", .reserved),
        ("10.0.0.1", "10.0.0.1", .privateNetwork),
        ("10.1", "10.0.0.1", .privateNetwork),
        ("172.16.0.1", "172.16.0.1", .privateNetwork),
        ("172.31.255.255", "172.31.255.255", .privateNetwork),
        ("192.168.1.1", "192.168.1.1", .privateNetwork),
        ("100.64.0.1", "100.64.0.1", .privateNetwork),
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1", .privateNetwork),
        ("fd12:3456::1", "fd12:3456::1", .privateNetwork),
        ("fc00::1", "fc00::1", .privateNetwork),
        ("172.32.0.1", "172.32.0.1", .global),
        ("100.128.0.1", "100.128.0.1", .global),
        ("8.8.8.8", "8.8.8.8", .global),
        ("1.1", "1.0.0.1", .global),
        ("2606:4700::1111", "2606:4700::1111", .global),
        ("::ffff:8.8.8.8", "::ffff:8.8.8.8", .global),
    ])
    func classification(literal: String, canonical: String, category: IPAddress.Category) throws {
        let address = try #require(IPAddress(literal), "\(literal) is an address")
        #expect(address.description == canonical)
        #expect(address.category == category, "\(literal)")
    }

    @Test("names and malformed numbers are not addresses",
          arguments: ["localhost", "example.com", "1e100.net", "127.0.0.1.", "127.0.0.256", "256.1", "08.0.0.1", "0x", "1..2",
                      "127.0.0.0.1", "4294967296", "::ffff:1.2.3", "", "[]", "1.2.3.4:80"])
    func notAddresses(text: String) {
        #expect(IPAddress(text) == nil, "\(text)")
    }

    @Test("networks are CIDR blocks with their host bits clear; membership and overlap")
    func networks() throws {
        let network = try #require(IPNetwork("10.20.0.0/16"))
        #expect(network.contains(IPAddress("10.20.255.1")!))
        #expect(!network.contains(IPAddress("10.21.0.1")!))
        #expect(!network.contains(IPAddress("::ffff:10.20.0.1")!), "families do not mix; the policy unmaps first")
        #expect(IPNetwork("10.20.1.0/16") == nil, "host bits set: probably a mistake")
        #expect(IPNetwork("10.20.0.0/33") == nil && IPNetwork("10.20/16") == nil && IPNetwork("0x0a140000/16") == nil)
        #expect(IPNetwork("192.168.4.7")?.description == "192.168.4.7/32")
        #expect(IPNetwork("fd00:1234::/32")?.contains(IPAddress("fd00:1234:5::9")!) == true)
        #expect(IPNetwork("0.0.0.0/0")!.overlaps(IPNetwork("127.0.0.0/8")!))
        #expect(!IPNetwork("10.0.0.0/8")!.overlaps(IPNetwork("127.0.0.0/8")!))
    }

    @Test("the policy: public always, listed private networks only, loopback only for tests, the rest never")
    func policy() {
        let none = WebhookAddressPolicy()
        #expect(none.refusal(of: IPAddress("8.8.8.8")!) == nil)
        #expect(none.refusal(of: IPAddress("10.20.0.5")!) != nil)
        let studio = WebhookAddressPolicy(allowedNetworks: [IPNetwork("10.20.0.0/16")!, IPNetwork("fd00:1234::/32")!])
        #expect(studio.refusal(of: IPAddress("10.20.0.5")!) == nil)
        #expect(studio.refusal(of: IPAddress("::ffff:10.20.0.5")!) == nil, "the mapped form of a listed address")
        #expect(studio.refusal(of: IPAddress("fd00:1234::5")!) == nil)
        #expect(studio.refusal(of: IPAddress("10.21.0.5")!) != nil)
        #expect(studio.refusal(of: IPAddress("127.0.0.1")!) == "refused: 127.0.0.1 is a loopback address")
        let testing = WebhookAddressPolicy(allowLoopbackForTests: true)
        #expect(testing.refusal(of: IPAddress("127.0.0.1")!) == nil && testing.refusal(of: IPAddress("::1")!) == nil)
        #expect(testing.refusal(of: IPAddress("169.254.169.254")!) != nil && testing.refusal(of: IPAddress("0.0.0.0")!) != nil)
        #expect(none.refusal(of: IPAddress("::ffff:7f00:1")!, host: "[::ffff:7f00:1]")
                == "refused: ::ffff:7f00:1 is 127.0.0.1, a loopback address")
        #expect(none.refusal(of: IPAddress("::ffff:7f00:1")!, host: "rebind.example")
                == "refused: 127.0.0.1 is a loopback address (rebind.example resolves to ::ffff:127.0.0.1)")
    }

    @Test("webhook creation refuses other schemes, credentials, odd hosts and literal addresses it may not reach")
    func creationRefusals() async throws {
        try await withCatalog { catalog in
            func refusal(_ url: String) async -> String? {
                do {
                    _ = try await catalog.createWebhook(url: url, events: [.transcodeStarted])
                    return nil
                } catch let error as CatalogError {
                    #expect(error.code == .invalidField && error.field == "url")
                    return error.message
                } catch {
                    return "\(error)"
                }
            }
            #expect(await refusal("ftp://hooks.studio.example/") == "url: must be an http or https address")
            #expect(await refusal("file:///etc/passwd") == "url: must be an http or https address")
            #expect(await refusal("hooks.studio.example/dailies") == "url: must be an http or https address")
            #expect(await refusal("https://user:secret@hooks.studio.example/")?.contains("must not carry a user name") == true)
            #expect(await refusal("https://token@hooks.studio.example/")?.contains("must not carry a user name") == true)
            #expect(await refusal("http:///path") == "url: must name a host")
            #expect(await refusal("http://127.0.0.1:8080/api/v1/webhooks") == "url: refused: 127.0.0.1 is a loopback address")
            #expect(await refusal("http://127.1/") == "url: refused: 127.1 is 127.0.0.1, a loopback address")
            #expect(await refusal("http://0x7f000001/") == "url: refused: 0x7f000001 is 127.0.0.1, a loopback address")
            #expect(await refusal("http://2130706433/") == "url: refused: 2130706433 is 127.0.0.1, a loopback address")
            #expect(await refusal("http://[::ffff:7f00:1]/") == "url: refused: ::ffff:7f00:1 is 127.0.0.1, a loopback address")
            #expect(await refusal("http://[::1]:8080/") == "url: refused: ::1 is a loopback address")
            #expect(await refusal("http://169.254.169.254/latest/meta-data/") == "url: refused: 169.254.169.254 is a link-local address")
            #expect(await refusal("http://0.0.0.0/") == "url: refused: 0.0.0.0 is an unspecified address")
            #expect(await refusal("http://10.20.0.5/hook")
                    == "url: refused: 10.20.0.5 is a private address outside the organization's webhook_allowed_networks")

            // Names are judged when each delivery resolves them; a listed network opens its addresses.
            #expect(await refusal("https://hooks.studio.example/dailies") == nil)
            #expect(await refusal("http://localhost:9000/") == nil)
            _ = try await catalog.updateOrganization(OrganizationUpdate(webhookAllowedNetworks: ["10.20.0.0/16"]))
            #expect(await refusal("http://10.20.0.5/hook") == nil)
            #expect(await refusal("http://10.21.0.5/hook") != nil)
        }
    }

    @Test("the studio's allowed networks: CIDR blocks only, never over loopback or link-local, shown in the settings")
    func allowedNetworks() async throws {
        try await withCatalog { catalog in
            #expect(try await catalog.organization().webhookAllowedNetworks == [])
            let set = try await catalog.updateOrganization(OrganizationUpdate(
                webhookAllowedNetworks: ["10.20.0.0/16", " 192.168.7.0/24", "FD00:1234::/32", "10.20.0.0/16"]))
            #expect(set.webhookAllowedNetworks == ["10.20.0.0/16", "192.168.7.0/24", "fd00:1234::/32"])
            #expect(try await catalog.organization() == set, "kept")
            #expect(try await catalog.organization().allowedNetworks.count == 3)

            for (networks, message) in [
                (["127.0.0.0/8"], "127.0.0.0/8 overlaps 127.0.0.0/8, a loopback address range that webhooks may never reach"),
                (["127.0.0.1"], "127.0.0.1/32 overlaps 127.0.0.0/8, a loopback address range that webhooks may never reach"),
                (["0.0.0.0/0"], "0.0.0.0/0 overlaps 0.0.0.0/8, an unspecified address range that webhooks may never reach"),
                (["169.254.0.0/16"], "169.254.0.0/16 overlaps 169.254.0.0/16, a link-local address range that webhooks may never reach"),
                (["::/0"], "::/0 overlaps ::/128, an unspecified address range that webhooks may never reach"),
                (["::1/128"], "::1/128 overlaps ::1/128, a loopback address range that webhooks may never reach"),
            ] {
                let code = await catalogErrorCode {
                    _ = try await catalog.updateOrganization(OrganizationUpdate(webhookAllowedNetworks: networks))
                }
                #expect(code == .invalidField, "\(networks)")
                do {
                    _ = try await catalog.updateOrganization(OrganizationUpdate(webhookAllowedNetworks: networks))
                } catch let error as CatalogError {
                    #expect(error.message == "webhook_allowed_networks: " + message)
                }
            }
            #expect(await catalogErrorCode {
                _ = try await catalog.updateOrganization(OrganizationUpdate(webhookAllowedNetworks: ["10.20.1.0/16"]))
            } == .invalidField)
            #expect(await catalogErrorCode {
                _ = try await catalog.updateOrganization(OrganizationUpdate(webhookAllowedNetworks: ["intranet"]))
            } == .invalidField)
            #expect(try await catalog.organization() == set, "a refused change changes nothing")

            // JSON: null or [] clears the list; leaving the key out leaves it alone.
            let untouched = try JSONDecoder().decode(OrganizationUpdate.self, from: Data(#"{"name": "Northlight"}"#.utf8))
            #expect(try await catalog.updateOrganization(untouched).webhookAllowedNetworks.count == 3)
            let cleared = try JSONDecoder().decode(OrganizationUpdate.self, from: Data(#"{"webhook_allowed_networks": null}"#.utf8))
            #expect(try await catalog.updateOrganization(cleared).webhookAllowedNetworks == [])
        }
    }
}
