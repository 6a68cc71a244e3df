"""Bulk CSV import: good rows are imported, bad rows reported by line and column."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gwhelpers import Gateway

HEADER = ("external_ref,plate,trailer_plate,gate_id,direction,window_start,window_end,"
          "declaration_no,channel,fee_paid,hs_code,description,weight_kg,perishable,"
          "preferential_claim\n")


def _csv() -> bytes:
    now = datetime.now(UTC)
    start, end = (now + timedelta(hours=2)).isoformat(), (now + timedelta(hours=6)).isoformat()
    rows = [
        f"PO-1,12C-123.45,12R-012.34,huu-nghi-1119,export,{start},{end},105123456789,green,yes,"
        "08109010,Thanh long,24000,yes,no",
        f"PO-2,12C-99X.45,,huu-nghi-1119,export,{start},{end},,,no,,,,,",  # bad plate
        f"PO-3,桂A12345,,huu-nghi-1119,import,{start},{end},,yellow,1,44123100,Gỗ dán,18000,0,1",
        f"PO-4,12C-222.22,,nowhere,export,{start},{end},,,,12,x,-1,,",  # gate, hs, weight
        f"PO-5,12LD-123.45,,chi-ma,export,{start},{end},,,,,,,,",
    ]
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_import_reports_bad_rows_and_imports_good_ones(gateway: Gateway) -> None:
    a = gateway.carrier()
    content = _csv()
    r = a.request("POST", "/api/v1/trips/import", content=content,
                  headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["total"], report["imported"], report["failed"]) == (5, 3, 2)
    by_ref = {row["external_ref"]: row for row in report["rows"]}
    assert by_ref["PO-2"]["row"] == 3 and by_ref["PO-2"]["trip_id"] is None
    assert [e["field"] for e in by_ref["PO-2"]["errors"]] == ["plate"]
    assert {e["field"] for e in by_ref["PO-4"]["errors"]} >= {"hs_code", "weight_kg"}
    assert all(set(e["messages"]) == {"vi", "en", "zh"} for e in by_ref["PO-4"]["errors"])
    trips = a.request("GET", "/api/v1/trips").json()["items"]
    assert sorted(t["plate"] for t in trips) == sorted(["12C12345", "桂A12345", "12LD12345"])
    # Re-uploading the same file creates nothing new.
    again = a.request("POST", "/api/v1/trips/import", content=content,
                      headers={"Content-Type": "text/csv"}).json()
    assert again["imported"] == 3 and not any(row["created"] for row in again["rows"])
    assert len(a.request("GET", "/api/v1/trips").json()["items"]) == 3


def test_import_with_wrong_header_imports_nothing(gateway: Gateway) -> None:
    a = gateway.carrier()
    r = a.request("POST", "/api/v1/trips/import", content=b"plate;gate\n12C-123.45;x\n",
                  headers={"Content-Type": "text/csv"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "csv_invalid"
    assert a.request("GET", "/api/v1/trips").json()["items"] == []


def test_import_reads_old_mac_line_ends_and_refuses_a_broken_file_with_422(gateway: Gateway
                                                                          ) -> None:
    """Found by schemathesis: a bare carriage return inside the text made the csv module
    raise, and the carrier got a 500. Bare CR line ends are line ends (spreadsheets on old
    Macs write them); a file the csv module cannot parse at all is a 422, not a 500."""
    a = gateway.carrier()
    content = _csv().replace(b"\n", b"\r")
    r = a.request("POST", "/api/v1/trips/import", content=content,
                  headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert (r.json()["total"], r.json()["imported"]) == (5, 3)
    huge = HEADER.encode() + b"PO-9," + b"x" * 200_000 + b"\n"  # over the csv field limit
    r = a.request("POST", "/api/v1/trips/import", content=huge,
                  headers={"Content-Type": "text/csv"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["type"] == "csv_invalid"
    assert len(a.request("GET", "/api/v1/trips").json()["items"]) == 3
