"""The quickstart against a running sandbox (`LEYR_BASE_URL`), reset before every test.

`cargo xtask python-example` starts a sandbox, installs the pinned requirements into a virtual
environment of its own and runs these tests; by hand:

    leyr-sandbox --clock manual=2024-03-25T07:30:00+01:00 &
    LEYR_BASE_URL=http://127.0.0.1:8080 pytest examples/python
"""

import requests
import pytest

import quickstart

ADMIN = f"{quickstart.BASE_URL}/_sandbox"
ANITA = "/care-units/L0_1"


@pytest.fixture(autouse=True)
def fresh_sandbox():
    """Every test starts from the seed: the sandbox's world, faults and logs reset."""
    response = requests.post(f"{ADMIN}/reset", timeout=10)
    assert response.status_code == 200, response.text
    yield


def anita(path):
    return f"{quickstart.BASE_URL}/api/emrs/anitasystems{ANITA}{path}"


def test_the_quickstart_books_and_cancels():
    appointment, cancelled = quickstart.main()
    assert appointment["status"] == "booked"
    assert cancelled["status"] == "cancelled"
    assert cancelled["id"] == appointment["id"]


def test_a_cancelled_slot_is_free_again_and_a_reset_forgets_the_booking():
    slot = quickstart.timeslots(quickstart.CARE_UNIT)[0]
    appointment = quickstart.book(quickstart.CARE_UNIT, slot, quickstart.PATIENT)
    assert quickstart.timeslots(quickstart.CARE_UNIT)[0] != slot
    requests.post(f"{ADMIN}/reset", timeout=10).raise_for_status()
    assert quickstart.timeslots(quickstart.CARE_UNIT)[0] == slot
    response = requests.get(
        quickstart.api(f"/care-units/{quickstart.CARE_UNIT}/appointments/{appointment['id']}"),
        headers=quickstart.HEADERS,
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["error_code"] == "INVALID_APPOINTMENT_ID"


def test_anita_confirms_a_booking_with_the_code_from_the_message_log():
    slots = requests.get(anita("/timeslots"), headers=quickstart.HEADERS, timeout=10).json()
    booked = requests.post(
        anita("/appointments"),
        json={
            "start": slots[0]["start"],
            "end": slots[0]["end"],
            "patient_id": "5001",
            "resource_id": slots[0]["resource_id"],
            "healthcare_service_id": slots[0]["healthcare_service_id"],
        },
        headers=quickstart.HEADERS,
        timeout=10,
    )
    assert booked.status_code == 201, booked.text
    appointment = booked.json()[0]
    assert appointment["status"] == "awaiting_confirmation"

    messages = requests.get(f"{ADMIN}/messages", timeout=10).json()
    message = messages[0]
    assert message["emr"] == "anitasystems"
    assert message["appointment_id"] == appointment["id"]
    assert message["channel"] == "sms"
    assert message["phone"].startswith("+") and message["phone"].endswith("01")
    assert set(message["phone"][1:-2]) == {"*"}

    confirmed = requests.patch(
        anita(f"/appointments/{appointment['id']}"),
        json={"confirmation": {"code": message["code"]}},
        headers=quickstart.HEADERS,
        timeout=10,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "booked"


def test_a_scripted_fault_hits_the_matching_request_and_the_journal_shows_it():
    scripted = requests.post(
        f"{ADMIN}/faults",
        json={
            "fault": {"kind": "service_unavailable"},
            "times": 1,
            "match": {"method": "GET", "route": "/timeslots", "emr": "takecare"},
        },
        timeout=10,
    )
    assert scripted.status_code == 201, scripted.text
    assert quickstart.care_units()  # another route: untouched
    with pytest.raises(requests.HTTPError) as refused:
        quickstart.timeslots(quickstart.CARE_UNIT)
    assert refused.value.response.status_code == 503
    assert quickstart.timeslots(quickstart.CARE_UNIT)  # used up

    journal = requests.get(f"{ADMIN}/requests", params={"limit": 3}, timeout=10).json()
    assert [entry["status"] for entry in journal] == [200, 503, 200]
    assert journal[1]["fault"] == "service_unavailable"
    assert journal[1]["route"] == "/api/emrs/{emr}/care-units/{care_unit_id}/timeslots"


def test_the_state_exports_and_imports_all_or_nothing():
    state = requests.get(f"{ADMIN}/state", timeout=10).json()
    assert [world["emr"] for world in state["emrs"]][0] == "takecare"
    broken = dict(state)
    broken["format"] = "something-else"
    refused = requests.put(f"{ADMIN}/state", json=broken, timeout=10)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["path"] == ["body", "format"]
    accepted = requests.put(f"{ADMIN}/state", json=state, timeout=10)
    assert accepted.status_code == 200, accepted.text
    assert requests.get(f"{ADMIN}/state", timeout=10).json() == state


def test_the_clock_moves_forward_only():
    moved = requests.put(f"{ADMIN}/clock", json={"advance_seconds": 3600}, timeout=10)
    assert moved.status_code == 200, moved.text
    back = requests.put(f"{ADMIN}/clock", json={"now": "2000-01-01T00:00:00+01:00"}, timeout=10)
    assert back.status_code == 400
    assert back.json()["errors"][0]["path"] == ["body", "now"]
