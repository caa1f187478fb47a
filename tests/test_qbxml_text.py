"""The text policy: what QuickBooks (Windows-1252, length limits) cannot store, field by field."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qbschema
from syncengine import qbxml
from syncengine.errors import RecordError
from syncengine.qbxml.text import nearest

LABEL = "Customer 'Łódź Ltd' (app id 17)"
CP1252_TEXT = st.characters(codec="cp1252", exclude_categories=("Cc", "Cs"))


def customer(record: str = LABEL, **fields) -> qbxml.Request:
    """A CustomerAdd with a Name unless one is given, labelled for errors."""
    return qbxml.add("Customer", {"Name": "Acme", **fields}, record=record)


# -- identity fields ---------------------------------------------------------------------------


def test_windows_1252_letters_in_a_name_are_kept():
    """ë, é, ß and € are Windows-1252 and pass unchanged, with no change reported."""
    request = customer(Name="Zoë Café Straße €")
    assert request.body["CustomerAdd"]["Name"] == "Zoë Café Straße €"
    assert request.changes == []


def test_name_outside_windows_1252_is_rejected_naming_record_field_and_value():
    """A Name with ł is refused: the error names the record, the field path and the value."""
    with pytest.raises(RecordError) as caught:
        customer(Name="Łódź Ltd")
    error = caught.value
    assert (error.record, error.field, error.value) == (
        LABEL,
        "CustomerAddRq.CustomerAdd.Name",
        "Łódź Ltd",
    )


def test_identity_rejection_says_what_to_do():
    """The reason names the character and tells the user to edit the record in the app."""
    with pytest.raises(RecordError, match=r"U\+0141.*never changed.*edit it in the app"):
        customer(Name="Łódź Ltd")


def test_ref_number_outside_windows_1252_is_rejected():
    """An invoice RefNumber is a lookup key and is refused, not transliterated."""
    with pytest.raises(RecordError, match="RefNumber"):
        qbxml.add("Invoice", {"CustomerRef": qbxml.ref(full_name="A"), "RefNumber": "Č-1"})


def test_account_number_outside_windows_1252_is_rejected():
    """AccountNumber is identity too."""
    with pytest.raises(RecordError, match="AccountNumber"):
        customer(AccountNumber="№ 17")


def test_full_name_in_a_reference_is_rejected():
    """A job's ParentRef FullName is how QuickBooks finds the parent; it is never altered."""
    with pytest.raises(RecordError, match=r"ParentRef\.FullName"):
        customer(ParentRef=qbxml.ref(full_name="Łódź Ltd"))


def test_query_name_filter_is_rejected():
    """Query filters are lookup keys; an unstorable name in a filter is refused."""
    with pytest.raises(RecordError, match=r"NameFilter\.Name"):
        qbxml.query("Customer", {"NameFilter": {"MatchCriterion": "StartsWith", "Name": "Ł"}})


def test_email_outside_windows_1252_is_rejected():
    """An e-mail address is not prose: changing a letter would change the address."""
    with pytest.raises(RecordError, match="Email"):
        customer(Email="łukasz@example.com")


def test_over_length_name_is_rejected_not_truncated():
    """A 42-character Name is refused with the limit; nothing is cut off."""
    with pytest.raises(RecordError, match="42 characters long; QuickBooks allows at most 41"):
        customer(Name="N" * 42)


def test_name_at_the_limit_is_accepted():
    """A 41-character Name is accepted as is."""
    assert customer(Name="N" * 41).body["CustomerAdd"]["Name"] == "N" * 41


def test_decomposed_name_is_refused_not_composed():
    """'Zoe' + combining diaeresis is refused, pointing at the composed form: an identity field
    is never altered (issue 15 changes this from "composed and reported")."""
    with pytest.raises(RecordError, match="its composed form 'Zoë Ltd' fits") as caught:
        customer(Name="Zoe\u0308 Ltd")
    assert caught.value.value == "Zoe\u0308 Ltd"


def test_decomposed_memo_is_composed_and_reported():
    """Free text in decomposed form is composed (NFC) and the change is reported."""
    request = customer(Notes="Zoe\u0308")
    assert request.body["CustomerAdd"]["Notes"] == "Zoë"
    assert [(c.before, c.after) for c in request.changes] == [("Zoe\u0308", "Zoë")]


# -- free text ---------------------------------------------------------------------------------


def test_memo_is_transliterated_and_the_change_reported():
    """A Notes value with ł and ź is stored as the nearest letters and the change is listed."""
    request = customer(Notes="Biuro w Łodzi, ul. Źródlana")
    assert request.body["CustomerAdd"]["Notes"] == "Biuro w Lodzi, ul. Zródlana"
    change = request.changes[0]
    assert (change.record, change.field) == (LABEL, "CustomerAddRq.CustomerAdd.Notes")


def test_address_line_is_transliterated():
    """Address lines are free text: č becomes c."""
    request = customer(BillAddress={"Addr1": "Karlova 1", "City": "České Budějovice"})
    assert request.body["CustomerAdd"]["BillAddress"]["City"] == "Ceské Budejovice"


def test_line_descriptions_in_a_list_are_transliterated():
    """Each invoice line's Desc goes through the policy."""
    lines = [{"Desc": "Konsultacja – ł"}, {"Desc": "plain"}]
    request = qbxml.add(
        "Invoice", {"CustomerRef": qbxml.ref(full_name="A"), "InvoiceLineAdd": lines}
    )
    assert [ln["Desc"] for ln in request.body["InvoiceAdd"]["InvoiceLineAdd"]] == [
        "Konsultacja – l",
        "plain",
    ]


def test_the_callers_data_is_not_modified():
    """Transliteration works on a copy; the app's dict keeps its original text."""
    fields = {"Name": "Acme", "Notes": "Łódź"}
    qbxml.add("Customer", fields)
    assert fields["Notes"] == "Łódź"


def test_emoji_in_free_text_is_rejected():
    """A character with no Windows-1252 stand-in is refused, never replaced by '?'."""
    with pytest.raises(RecordError, match=r"U\+1F600.*no Windows-1252 equivalent"):
        customer(Notes="Great client 😀")


def test_over_length_memo_is_rejected_not_truncated():
    """Free text over its limit is refused too."""
    with pytest.raises(RecordError, match="at most 41"):
        customer(BillAddress={"Addr1": "A" * 42})


def test_transliteration_that_makes_a_value_too_long_is_rejected():
    """The ﬁ ligature unfolds to two letters; if that overflows the limit the value is refused."""
    with pytest.raises(RecordError, match="after replacing characters"):
        customer(BillAddress={"Addr1": "ﬁ" + "a" * 40})


def test_tab_and_line_feed_are_kept_in_notes():
    """Tab and line feed are ordinary text in QuickBooks, kept with no change reported."""
    request = customer(Notes="one\ttwo\nthree")
    assert request.body["CustomerAdd"]["Notes"] == "one\ttwo\nthree"
    assert request.changes == []


@pytest.mark.parametrize("notes", ["one\r\ntwo\rthree", "one\rtwo\r\nthree"])
def test_carriage_returns_in_notes_become_line_feeds_and_are_reported(notes):
    """XML reads CR LF and a lone CR as LF, so QuickBooks would store LF: the policy sends LF
    and reports the change, so the log says it (issue 15 changes this from "kept as is")."""
    request = customer(Notes=notes)
    assert request.body["CustomerAdd"]["Notes"] == "one\ntwo\nthree"
    assert [(c.before, c.after) for c in request.changes] == [(notes, "one\ntwo\nthree")]
    assert "line endings" in str(request.changes[0])


def test_carriage_return_in_a_name_is_refused():
    """A CR in an identity field would arrive as LF: refused, never altered."""
    with pytest.raises(RecordError, match="carriage return"):
        customer(Name="Acme\r\nLtd")


@pytest.mark.parametrize("field", ["Name", "Notes"])
def test_lone_surrogate_is_a_clear_record_error(field):
    """A lone surrogate is refused as damaged text, naming the code point, in every field."""
    with pytest.raises(RecordError, match=r"lone surrogate U\+DC80 .*damaged"):
        customer(**{field: "Ac\udc80me"})


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_rejected_everywhere(char):
    """Control characters are refused in free text, naming the code point."""
    with pytest.raises(RecordError, match=f"control character U\\+{ord(char):04X}"):
        customer(Notes=f"a{char}b")


def test_control_character_in_a_name_is_rejected():
    """Control characters are refused in identity fields too."""
    with pytest.raises(RecordError, match="control character"):
        customer(Name="Acme\x00")


def test_message_set_gathers_the_changes_of_its_requests():
    """MessageSet.changes lists every request's changes in order."""
    first, second = customer(Notes="ł"), customer(Notes="đ")
    changes = qbxml.MessageSet([first, second]).changes
    assert [c.after for c in changes] == ["l", "d"]


def test_text_change_reads_as_a_log_line():
    """str(TextChange) names record, field, before and after."""
    line = str(customer(Notes="ł").changes[0])
    assert line.startswith(f"{LABEL}: CustomerAddRq.CustomerAdd.Notes 'ł' will be stored as 'l'")


def test_request_id_with_a_control_character_is_refused():
    """A requestID QuickBooks could not echo is refused at build time."""
    with pytest.raises(qbxml.BuildError, match="requestID"):
        qbxml.add("Class", {"Name": "East"}, request_id="a\x01")


@pytest.mark.parametrize(
    ("char", "stand_in"),
    [
        ("ł", "l"),
        ("č", "c"),
        ("ş", "s"),
        ("ﬁ", "fi"),
        ("Ａ", "A"),
        ("‐", "-"),
        ("−", "-"),
        ("″", '"'),
        ("ǅ", "Dž"),
        ("\u200b", ""),
        ("\u2003", " "),
    ],
)
def test_nearest_windows_1252_stand_ins(char, stand_in):
    """Each character maps to its documented stand-in."""
    assert nearest(char) == stand_in


@pytest.mark.parametrize("char", ["😀", "中", "Ж", "→"])
def test_characters_without_a_stand_in(char):
    """Emoji, CJK, Cyrillic and arrows have no Windows-1252 stand-in."""
    assert nearest(char) is None


# -- properties --------------------------------------------------------------------------------


@pytest.mark.needs_xsd
@settings(max_examples=150, deadline=None)
@given(name=st.text(max_size=60))
def test_any_name_builds_valid_or_is_refused_by_field(name):
    """Any Name either builds an XSD-valid CustomerAddRq or raises RecordError for Name."""
    try:
        request = customer(Name=name)
    except RecordError as error:
        assert error.field == "CustomerAddRq.CustomerAdd.Name"
        return
    document = qbxml.MessageSet([request]).to_xml()
    assert qbschema.validate_xsd(document.encode()) == []


@settings(max_examples=150, deadline=None)
@given(notes=st.text(max_size=80))
def test_accepted_free_text_is_storable(notes):
    """Whatever Notes the policy accepts is Windows-1252 and within the limit."""
    try:
        request = customer(Notes=notes)
    except RecordError as error:
        assert error.field == "CustomerAddRq.CustomerAdd.Notes"
        return
    stored = request.body["CustomerAdd"]["Notes"]
    stored.encode("cp1252")
    assert len(stored) <= 4095


@settings(max_examples=150, deadline=None)
@given(name=st.text(CP1252_TEXT, max_size=41))
def test_windows_1252_names_pass_unchanged(name):
    """A Name already in Windows-1252 and within the limit is never altered."""
    request = customer(Name=name)
    assert request.body["CustomerAdd"]["Name"] == name
    assert request.changes == []


def test_amount_with_one_decimal_goes_out_with_two():
    """An app amount of 10.5 is sent as 10.50, the only form QuickBooks' AMTTYPE takes."""
    request = qbxml.add(
        "ReceivePayment",
        {"CustomerRef": {"FullName": "Acme"}, "TotalAmount": "10.5", "IsAutoApply": True},
    )
    assert "<TotalAmount>10.50</TotalAmount>" in request.text


def test_amount_with_fractions_of_a_cent_is_refused_not_rounded():
    """10.555 would lose half a cent if rounded, so the record is refused and named."""
    with pytest.raises(RecordError, match=r"Payment 7: field .*TotalAmount = '10.555'.*cent"):
        qbxml.add(
            "ReceivePayment",
            {"CustomerRef": {"FullName": "Acme"}, "TotalAmount": "10.555", "IsAutoApply": True},
            record="Payment 7",
        )
