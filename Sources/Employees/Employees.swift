// Module Employees: see docs/ARCHITECTURE.md for its place among the layers.
