"""Role matrix: hours_reports (timesheets, payroll export, trainee summaries, CE compliance)."""

EXPECTED: dict[str, str] = {
    "lms.hours.my_timesheet": "signed_in",
    "lms.hours.my_summary": "signed_in",
    "lms.hours.my_transcript": "signed_in",
    "lms.hours.org_timesheet": "org_manager",
    "lms.hours.person_timesheet": "org_manager",
    "lms.hours.export_payroll": "org_manager",
    "lms.hours.download_payroll": "org_manager",
    "lms.hours.draft_payroll": "org_manager",
    "lms.hours.payroll_files": "org_manager",
    "lms.hours.compliance_dashboard": "org_manager",
    "lms.hours.checklist_pdf": "org_manager",
    "lms.hours.checklist_csv": "org_manager",
    "lms.hours.staff_transcript": "org_manager",
    "lms.api.org_timesheets_csv": "org_manager",
    "lms.api.org_timesheets_draft_csv": "org_manager",
    "lms.api.org_pay_periods": "org_manager",
}
