import Catalog

extension Schema {
    /// The schema as the OpenAPI 3.0 document writes it.
    var document: JSONValue {
        var result: [String: JSONValue]
        var summary: String?
        switch shape {
        case .any:
            result = [:]
        case .reference(let name):
            // OpenAPI 3.0 ignores siblings of $ref: wrap it to say it is nullable or described.
            let reference: JSONValue = ["$ref": .string("#/components/schemas/\(name)")]
            guard nullable || description != nil else { return reference }
            result = ["allOf": [reference]]
        case .boolean:
            result = ["type": "boolean"]
        case .number(let range, let aboveMinimum):
            result = ["type": "number", "format": "double", "minimum": .number(range.lowerBound),
                      "maximum": .number(range.upperBound)]
            if aboveMinimum { result["exclusiveMinimum"] = true }
        case .oneOf(let forms):
            result = ["oneOf": .array(forms.map(\.document))]
        case .integer(let range):
            result = ["type": "integer", "format": "int64"]
            if range.lowerBound != Int.min { result["minimum"] = .integer(range.lowerBound) }
            if range.upperBound != Int.max { result["maximum"] = .integer(range.upperBound) }
        case .string(let string):
            result = ["type": "string"]
            if let allowed = string.allowed { result["enum"] = .array(allowed.map(JSONValue.string)) }
            if let format = string.format {
                if let keyword = format.keyword { result["format"] = .string(keyword) }
                if let pattern = format.pattern { result["pattern"] = .string(pattern) }
            }
            if let rule = string.rule {
                if rule.minimum > 0 { result["minLength"] = .integer(rule.minimum) }
                result["maxLength"] = .integer(rule.maximum)
                if result["pattern"] == nil, let pattern = rule.pattern { result["pattern"] = .string(pattern) }
                // The pattern in words, for people reading the document.
                if string.format == nil { summary = rule.summary }
            }
        case .array(let items, let count, let unique):
            result = ["type": "array", "items": items.document]
            if let count {
                if count.lowerBound > 0 { result["minItems"] = .integer(count.lowerBound) }
                if count.upperBound != Int.max { result["maxItems"] = .integer(count.upperBound) }
            }
            if unique { result["uniqueItems"] = true }
        case .object(let properties):
            result = ["type": "object", "additionalProperties": false,
                      "properties": .object(Dictionary(uniqueKeysWithValues: properties.map { ($0.name, $0.schema.document) }))]
            let required = properties.filter(\.required).map { JSONValue.string($0.name) }
            if !required.isEmpty { result["required"] = .array(required) }
        case .map(let values):
            result = ["type": "object", "additionalProperties": values.document]
        }
        if nullable { result["nullable"] = true }
        let text = [summary, description].compactMap { $0 }.joined(separator: ". ")
        if !text.isEmpty { result["description"] = .string(text) }
        return .object(result)
    }
}
