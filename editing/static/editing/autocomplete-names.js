// The admin's autocomplete boxes (select2) point their accessible name at an element
// that is empty until something is chosen: each is named by its field's label instead,
// so that a screen reader says what it chooses.
const nameAutocompletes = () => {
  for (const select of document.querySelectorAll("select.admin-autocomplete")) {
    const label = document.querySelector(`label[for="${CSS.escape(select.id)}"]`)
    const container = select.nextElementSibling
    if (!label || !container) continue
    label.id ||= `${select.id}-label`
    for (const element of container.querySelectorAll("[role=combobox], [role=textbox]")) {
      element.setAttribute("aria-labelledby", label.id)
    }
  }
}

// select2 starts in a jQuery ready handler, which runs after DOMContentLoaded: queue
// behind it.
window.addEventListener("load", () => {
  if (window.django?.jQuery) window.django.jQuery(nameAutocompletes)
  else nameAutocompletes()
})
