"""Helpers shared by the Alembic environment and the schema tests."""


def include_name(name, type_, parent_names):
    """Only LMS tables: a host application's tables in the same database are none of our business."""
    if type_ == "table":
        return name is not None and name.startswith("lms_")
    return True
