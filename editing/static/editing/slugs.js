// The admin's address fields, filled from the title as the server makes slugs
// (sitewide/slugs.py): Django's URLify drops œ and a few other Latin letters, and glues
// the words of "l’été". Those are written out first; URLify does the rest. Listed after
// admin/js/urlify.js, which the admin loads for every form with an address to fill.
{
  const LATIN = {
    Œ: "OE", œ: "oe", Æ: "AE", æ: "ae", ẞ: "SS", ß: "ss", Ø: "O", ø: "o", Ł: "L", ł: "l",
    Đ: "D", đ: "d", Ð: "D", ð: "d", Þ: "TH", þ: "th", Ħ: "H", ħ: "h", ı: "i", Ŧ: "T",
    ŧ: "t", ĸ: "k", Ŋ: "NG", ŋ: "ng", ƒ: "f",
  }
  const letters = new RegExp(Object.keys(LATIN).join("|"), "g")
  const separators = /['’‘ʼ–—‑/]/g
  const urlify = window.URLify
  if (urlify) {
    window.URLify = (text, length, allowUnicode) =>
      urlify(
        text.replace(letters, (letter) => LATIN[letter]).replace(separators, " "),
        length,
        allowUnicode,
      )
  }
}
