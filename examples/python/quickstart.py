"""Book and cancel a TakeCare appointment through Leyr's API, against the offline sandbox.

Run a sandbox first (`cargo run -p leyr-cli --bin leyr-sandbox`), then:

    LEYR_BASE_URL=http://127.0.0.1:8080 python quickstart.py

The same script runs against Leyr itself with a real base URL and credentials.
"""

import os

import requests

BASE_URL = os.environ.get("LEYR_BASE_URL", "http://127.0.0.1:8080")
EMR = os.environ.get("LEYR_EMR", "takecare")
CARE_UNIT = os.environ.get("LEYR_CARE_UNIT", "10")
HEADERS = {
    "x-leyr-client-id": os.environ.get("LEYR_CLIENT_ID", "python-quickstart"),
    "x-leyr-client-secret": os.environ.get("LEYR_CLIENT_SECRET", ""),
}
# Leyr's recommended TakeCare test patient.
PATIENT = "se_personal_number:197110021834"


def api(path):
    return f"{BASE_URL}/api/emrs/{EMR}{path}"


def care_units():
    response = requests.get(api("/care-units"), headers=HEADERS, timeout=10)
    response.raise_for_status()
    return response.json()


def timeslots(care_unit):
    response = requests.get(api(f"/care-units/{care_unit}/timeslots"), headers=HEADERS, timeout=10)
    response.raise_for_status()
    return response.json()


def book(care_unit, slot, patient, comment=None):
    body = {
        "start": slot["start"],
        "end": slot["end"],
        "patient_id": patient,
        "resource_id": slot["resource_id"],
        "healthcare_service_id": slot["healthcare_service_id"],
        "comment": comment,
    }
    response = requests.post(
        api(f"/care-units/{care_unit}/appointments"), json=body, headers=HEADERS, timeout=30
    )
    response.raise_for_status()
    created = response.json()
    # Leyr answers a one-element array; accept an object too.
    return created[0] if isinstance(created, list) else created


def cancel(care_unit, appointment_id, comment):
    response = requests.patch(
        api(f"/care-units/{care_unit}/appointments/{appointment_id}"),
        json={"status": "cancelled", "comment": comment},
        headers=HEADERS,
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def main():
    units = care_units()
    print(f"care units: {', '.join(unit['id'] for unit in units)}")
    slots = timeslots(CARE_UNIT)
    slot = slots[0]
    print(f"{len(slots)} free slots; booking {slot['start']} with {slot['resource_id']}")
    appointment = book(CARE_UNIT, slot, PATIENT, comment="Booked from the Python quickstart")
    print(f"booked {appointment['id']}: {appointment['status']}")
    cancelled = cancel(CARE_UNIT, appointment["id"], "Cancelled from the Python quickstart")
    print(f"cancelled {cancelled['id']}: {cancelled['status']}")
    return appointment, cancelled


if __name__ == "__main__":
    main()
