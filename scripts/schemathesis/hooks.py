"""schemathesis hooks for bela-ledger's run (loaded by scripts/schemathesis/schemathesis.toml).

Four query parameters have valid values that no schema can describe, so a generated value that
the schema admits is still refused with a 400, and the positive_data_acceptance check would
report it. In cases meant to be valid (positive mode) they are therefore set as a client would:
- `cursor` is opaque: only a previous page's nextCursor is one (400 INVALID_CURSOR otherwise).
  Left out; the stateful phase still pages with real cursors.
- `sort` names one of the list's own fields; most lists declare them as an enum, a few (the price
  history of /public/catalog/{listingId}, /public/spending) do not yet (400 INVALID_SORT): left out.
- `waitForPosition` must not be beyond the store's head (400 POSITION_BEYOND_HEAD): 0, which the
  seeded store has passed.
- `limit` may go up to the CSV page maximum only when the answer is CSV; a JSON page holds at most
  JSON_PAGE_SIZE_MAX (400 INVALID_LIMIT): capped there unless format=csv.
Free text is set as the API states it where a JSON Schema cannot, in positive cases:
- free text (names, titles, reasons) is kept trimmed and 1..n characters without control or
  bidirectional formatting characters (400 INVALID_TEXT otherwise, src/kernel/text.ts): such
  characters are removed from body strings, and a string left blank becomes "x";
Negative cases are generated untouched.
"""

import re

import schemathesis
from schemathesis import GenerationMode

LEFT_OUT = ("cursor", "sort")
NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# PAGE_SIZE_MAX in src/read-models/keyset-query.ts.
JSON_PAGE_SIZE_MAX = 500


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return case
    if isinstance(case.query, dict):
        case.query = valid_query(case.query)
    if isinstance(case.body, (dict, list)):
        case.body = as_text(case.body)
    return case


def valid_query(query):
    query = {name: value for name, value in query.items() if name not in LEFT_OUT}
    if "waitForPosition" in query:
        query["waitForPosition"] = "0"
    limit = query.get("limit")
    if isinstance(limit, str) and limit.isdigit():
        limit = int(limit)
    if query.get("format") != "csv" and isinstance(limit, int) and limit > JSON_PAGE_SIZE_MAX:
        query["limit"] = JSON_PAGE_SIZE_MAX
    return query


def as_text(value):
    if isinstance(value, dict):
        return {name: as_text(member) for name, member in value.items()}
    if isinstance(value, list):
        return [as_text(member) for member in value]
    if isinstance(value, str) and (NOT_TEXT.search(value) or not value.strip()):
        cleaned = NOT_TEXT.sub("", value).strip()
        return cleaned or "x"
    return value
