"""
The main public pages, one of each kind, by address: what `make bench` measures and what the
browser tests read on a phone. Plain paths, so the benchmark can use them before Django starts.
"""

MAIN_PAGES = [
    "/",
    "/tracks/",
    "/tracks/categorical/",
    "/curriculum/",
    "/curriculum/electives/",
    "/curriculum/conferences/",
    "/curriculum/conferences/case-conference/",
    "/sites/",
    "/sites/chelsea-healthcare-center/",
    "/research/",
    "/leadership/",
    "/pathways/leadership-program/",
    "/benefits/",
    "/apply/",
    "/apply/interviews/",
    "/apply/international-graduates/",
]
