from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from comments.forms import CommentForm
from sitewide.validators import ProhibitControlCharactersValidator


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
