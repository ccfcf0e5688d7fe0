/// The original system's status texts, verbatim: its clients compare them.
package enum CompatibilityText {
    package static let retrieved = "Data has been retrieved successfully."
    package static let noData = "No data for the selection criteria."
    package static let saved = "Data has been saved successfully."
    package static let notEnoughPermissions = "Not enough permissions"
}
