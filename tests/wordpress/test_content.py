"""wordpress.content: WordPress's display rules, without a database."""

from django.test import SimpleTestCase

from wordpress.content import Images, convert, plain_text, wpautop


def no_images(url: str, alt: str) -> None:
    return None


def copy_at(src: str):
    return lambda url, alt: {"src": src}


class WpautopTests(SimpleTestCase):
    def test_blank_lines_make_paragraphs_and_single_breaks_make_br(self):
        self.assertEqual(
            wpautop("One\nline two\n\n\nTwo"), "<p>One<br />\nline two</p>\n<p>Two</p>\n"
        )

    def test_block_elements_are_not_wrapped(self):
        self.assertEqual(
            wpautop("<h2>Title</h2>\nText\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
            "<h2>Title</h2>\n<p>Text</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n",
        )

    def test_pre_is_kept_as_written(self):
        self.assertEqual(wpautop("<pre>a\n\nb</pre>"), "<pre>a\n\nb</pre>\n")

    def test_a_blockquote_gets_its_paragraph_inside(self):
        self.assertEqual(
            wpautop("<blockquote>Quoted</blockquote>"),
            "<blockquote><p>Quoted</p></blockquote>\n",
        )

    def test_newlines_inside_a_tag_are_not_breaks(self):
        self.assertEqual(
            wpautop('<a\nhref="/x">link</a> text'), '<p><a\nhref="/x">link</a> text</p>\n'
        )

    def test_two_brs_make_a_paragraph(self):
        self.assertEqual(wpautop("One<br><br>Two"), "<p>One</p>\n<p>Two</p>\n")

    def test_empty_content_stays_empty(self):
        self.assertEqual(wpautop("  \n "), "")


class ConvertTests(SimpleTestCase):
    def test_a_caption_with_the_old_caption_attribute(self):
        html = convert(
            '[caption caption="Old style"]<img src="/a.jpg" alt="x">[/caption]',
            Images(local=copy_at("/media/a.jpg")),
        )
        self.assertHTMLEqual(
            html,
            '<figure><img src="/media/a.jpg" alt="x"><figcaption>Old style</figcaption></figure>',
        )

    def test_a_linked_image_keeps_its_link(self):
        html = convert(
            '<a href="https://old.example/a.jpg"><img src="https://old.example/a.jpg"></a>',
            Images(local=copy_at("/media/a.jpg")),
        )
        self.assertIn('<img src="/media/a.jpg" alt="">', html)

    def test_a_missing_linked_image_leaves_no_empty_link(self):
        images = Images(local=no_images)
        html = convert('<a href="/full.jpg"><img src="/a.jpg"></a> Text', images)
        self.assertEqual(html, "<p> Text</p>")
        self.assertEqual(images.missing, ["/a.jpg"])

    def test_srcset_and_other_attributes_of_an_image_are_dropped(self):
        html = convert(
            '<img src="/a.jpg" srcset="https://old.example/a-300.jpg 300w" onerror="x()" '
            'width="300" height="abc" alt="A">',
            Images(local=copy_at("/media/a.jpg")),
        )
        self.assertEqual(html, '<p><img src="/media/a.jpg" alt="A" width="300"></p>')

    def test_an_audio_or_video_shortcode_is_a_link(self):
        html = convert('[audio mp3="https://cdn.example/a.mp3"][/audio]', Images(no_images))
        self.assertEqual(
            html, '<p><a href="https://cdn.example/a.mp3">https://cdn.example/a.mp3</a></p>'
        )

    def test_a_gallery_is_left_for_the_end_of_the_import(self):
        self.assertIn('[gallery ids="1,2"]', convert('[gallery ids="1,2"]', Images(no_images)))


class PlainTextTests(SimpleTestCase):
    def test_paragraphs_and_breaks_are_kept_and_tags_dropped(self):
        self.assertEqual(
            plain_text("<p>One<br/>two</p><p><em>Three</em> &amp; four</p>"),
            "One\ntwo\n\nThree & four",
        )
