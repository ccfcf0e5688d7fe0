import Employees

/// The seed application's rule for rows that have no address of their own:
/// `lower(first_name) || '.' || lower(last_name) || '.' || emp_no || '@gmail.com'`.
public enum SeedEmail {
    public static func derived(firstName: String, lastName: String, empNo: EmployeeNumber) -> String {
        "\(firstName.lowercased()).\(lastName.lowercased()).\(empNo.value)@gmail.com"
    }
}
