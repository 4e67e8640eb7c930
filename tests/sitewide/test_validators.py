from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from comments.forms import CommentForm
from sitewide.validators import (
    ProhibitControlCharactersValidator,
    is_plain_address,
    validate_plain_email,
)


class ProhibitControlCharactersValidatorTests(SimpleTestCase):
    def test_a_single_line_refuses_line_breaks_tabs_and_other_control_characters(self):
        validator = ProhibitControlCharactersValidator()
        validator("Camille Dupont-Élysée")
        for text in ["one\ntwo", "one\rtwo", "tab\there", "bell\x07", "nul\x00", "del\x7f"]:
            with self.subTest(text=text), self.assertRaises(ValidationError) as caught:
                validator(text)
            self.assertEqual(caught.exception.code, "control_characters")

    def test_multi_line_text_keeps_tabs_and_line_breaks(self):
        validator = ProhibitControlCharactersValidator(multiline=True)
        validator("Line one\r\nline two\tend")
        with self.assertRaises(ValidationError):
            validator("bell\x07")

    def test_message_and_code_can_be_set(self):
        validator = ProhibitControlCharactersValidator("Not here.", "invalid")
        with self.assertRaises(ValidationError) as caught:
            validator("a\nb")
        self.assertEqual(
            (caught.exception.message, caught.exception.code), ("Not here.", "invalid")
        )

    def test_it_deconstructs_and_compares_by_value(self):
        validator = ProhibitControlCharactersValidator("Not here.", multiline=True)
        path, args, kwargs = validator.deconstruct()
        self.assertEqual(path, "sitewide.validators.ProhibitControlCharactersValidator")
        self.assertEqual(ProhibitControlCharactersValidator(*args, **kwargs), validator)
        self.assertNotEqual(ProhibitControlCharactersValidator(), validator)

    def test_the_comment_email_is_checked_as_typed_before_it_is_stripped(self):
        field = CommentForm.base_fields["email"]
        self.assertEqual(field.clean("  camille@example.org "), "camille@example.org")
        with self.assertRaises(ValidationError) as caught:
            field.clean("camille@example.org\r")
        self.assertEqual(caught.exception.code, "invalid")


class LineBreakTests(SimpleTestCase):
    def test_a_single_line_refuses_everything_splitlines_breaks_on(self):
        validator = ProhibitControlCharactersValidator()
        for br in ["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]:
            with self.subTest(br=br), self.assertRaises(ValidationError):
                validator(f"Eve{br}X-Injected: yes")
        validator("Zoé\u00a0Dupont")  # a no-break space is not a line break

    def test_multi_line_text_keeps_them(self):
        ProhibitControlCharactersValidator(multiline=True)("one\u2028two\x85three")


class PlainAddressTests(SimpleTestCase):
    def test_plain_addresses(self):
        for address in ["camille@example.org", "c.d+blog@mail.example.org", "o'neil@example.ie"]:
            with self.subTest(address):
                self.assertTrue(is_plain_address(address))
                validate_plain_email(address)

    def test_anything_a_header_parser_could_read_more_into(self):
        for address in [
            "",
            '"a\r\nb"@example.org',
            '"=?utf-8?b?eA0KWC1JbmplY3RlZDogeWVz?="@example.org',
            "=?utf-8?b?eA0KWC1JbmplY3RlZDogeWVz?=@example.org",
            '"quoted"@example.org',
            "Eve <eve@example.org>",
            "eve@example.org (comment)",
            "eve@example.org, bob@example.org",
            "zoé@example.org",
            "eve@example.org\u2028",
            "a..b@example.org",
            "no-at-sign",
        ]:
            with self.subTest(address):
                self.assertFalse(is_plain_address(address))
                with self.assertRaises(ValidationError):
                    validate_plain_email(address)
