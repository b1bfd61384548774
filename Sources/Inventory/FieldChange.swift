/// What an update does to one optional field: leave it, set it, or clear it.
public enum FieldChange<Value: Sendable>: Sendable {
    /// Keep the stored value.
    case unchanged
    /// Store this value.
    case set(Value)
    /// Store `NULL` (the tag is then omitted, or the default applies).
    case cleared

    /// Applies the change to a current value.
    public func applied(to current: Value?) -> Value? {
        switch self {
        case .unchanged: return current
        case let .set(value): return value
        case .cleared: return nil
        }
    }
}

extension FieldChange: Equatable where Value: Equatable {}
