"""PostgreSQL extended statistics for the case list filters.

Stage and act type are strongly correlated with the agency (and with each other over
time); without multivariate statistics the planner assumes independence and may walk the
primary key backwards through the whole table looking for, e.g., an agency's cases in a
rare stage. With ``mcv``/``dependencies`` statistics it picks the (agency, stage, -id) /
(agency, act_type, -id) index instead. Installed by migration 0003 and by the benchmark.
"""

STATEMENTS = [
    "CREATE STATISTICS IF NOT EXISTS cases_case_agency_stage_stx (dependencies, mcv) "
    "ON agency_id, stage FROM cases_case",
    "CREATE STATISTICS IF NOT EXISTS cases_case_agency_act_stx (dependencies, mcv) "
    "ON agency_id, act_type FROM cases_case",
]
DROP = [
    "DROP STATISTICS IF EXISTS cases_case_agency_stage_stx",
    "DROP STATISTICS IF EXISTS cases_case_agency_act_stx",
]


def install(connection):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in STATEMENTS:
            cursor.execute(sql)


def uninstall(connection):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in DROP:
            cursor.execute(sql)
