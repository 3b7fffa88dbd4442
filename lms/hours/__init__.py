"""The paid training-hours ledger: entries, approval, pay periods, payroll export and CE compliance."""
