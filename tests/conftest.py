"""Shared test set-up.

Every response qbsim produces in any test is validated against Intuit's qbXML XSD (when the
XSD is reachable, see ``qbschema.find_xsd_dir``): the autouse fixture below wraps
``Company.process`` for the whole session, so a schema-invalid answer fails the test that
caused it.
"""

from __future__ import annotations

import os
import time

import pytest

import qbschema
from qbsim.company import Company

XSD_DIR = qbschema.find_xsd_dir()
needs_xsd = pytest.mark.skipif(
    XSD_DIR is None, reason="Intuit's qbXML XSD not found (set QBXML_SCHEMA_DIR)"
)


def assert_valid_qbxml(document: str) -> None:
    """Fail with every schema problem of a qbXML document (no-op without the XSD)."""
    if XSD_DIR is None:
        return
    problems = qbschema.validate_xsd(document.encode())
    assert not problems, "qbXML not valid against the XSD:\n" + "\n".join(map(str, problems))


@pytest.fixture(autouse=True, scope="session")
def _times_in_utc():
    """Commands show instants in the user's zone: the suite's user is in UTC, so that what
    they print does not depend on the machine (tests of other zones set ``TZ`` themselves)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture(autouse=True, scope="session")
def _validate_every_qbsim_response():
    original = Company.process

    def process(self, request_xml):
        response = original(self, request_xml)
        assert_valid_qbxml(response)
        return response

    Company.process = process
    yield
    Company.process = original


def pytest_collection_modifyitems(config, items):
    """Skip tests carrying the registered ``needs_xsd`` marker when the XSD is not reachable."""
    if XSD_DIR is not None:
        return
    skip = pytest.mark.skip(reason="Intuit's qbXML XSD not found (set QBXML_SCHEMA_DIR)")
    for item in items:
        if item.get_closest_marker("needs_xsd") is not None:
            item.add_marker(skip)
