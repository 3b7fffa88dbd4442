"""Helpers shared by the Alembic environment and the schema tests."""


#: LMS tables that no model describes: the content revision is written only by triggers (migration 0015) and read by
#: ``lms.catalog.outline_cache``; as a model, the tests would empty it with the modelled tables after each test.
UNMODELLED_TABLES = frozenset({"lms_content_revision"})


def include_name(name, type_, parent_names):
    """Only LMS tables: a host application's tables in the same database are none of our business."""
    if type_ == "table":
        return name is not None and name.startswith("lms_") and name not in UNMODELLED_TABLES
    return True
