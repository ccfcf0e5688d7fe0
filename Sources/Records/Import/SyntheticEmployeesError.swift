import Employees

/// Why a synthetic data set cannot be drawn.
public enum SyntheticEmployeesError: Error, Sendable, Hashable {
    /// The sample has no rows, or no names that can form an email address.
    case sampleTooPoor
    /// The sample's dates cannot satisfy the domain's date rules for the given `today`.
    case datesOutsideRules
    /// `firstEmployeeNumber + count - 1` exceeds the largest employee number.
    case employeeNumbersExhausted
}
