"""schemathesis hooks for bela-ledger's run (loaded by scripts/schemathesis/schemathesis.toml).

Three query parameters have valid values that no schema can describe, so a generated value that
the schema admits is still refused with a 400, and the positive_data_acceptance check would
report it. In cases meant to be valid (positive mode) they are therefore set as a client would:
- `cursor` is opaque: only a previous page's nextCursor is one (400 INVALID_CURSOR otherwise).
  Left out; the stateful phase still pages with real cursors.
- `sort` names one of the list's own fields, which differ per list (400 INVALID_SORT): left out,
  so the list's default order is used.
- `waitForPosition` must not be beyond the store's head (400 POSITION_BEYOND_HEAD): 0, which the
  seeded store has passed.
- `limit` may go up to the CSV page maximum only when the answer is CSV; a JSON page holds at most
  JSON_PAGE_SIZE_MAX (400 INVALID_LIMIT): capped there unless format=csv.
Negative cases (and every other parameter) are generated untouched.
"""

import schemathesis
from schemathesis import GenerationMode

LEFT_OUT = ("cursor", "sort")
# PAGE_SIZE_MAX in src/read-models/keyset-query.ts.
JSON_PAGE_SIZE_MAX = 500


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE or not isinstance(case.query, dict):
        return case
    query = {name: value for name, value in case.query.items() if name not in LEFT_OUT}
    if "waitForPosition" in query:
        query["waitForPosition"] = "0"
    if query.get("format") != "csv" and isinstance(query.get("limit"), int) and query["limit"] > JSON_PAGE_SIZE_MAX:
        query["limit"] = JSON_PAGE_SIZE_MAX
    case.query = query
    return case
