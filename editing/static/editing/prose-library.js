// Carnet's additions to django-prose-editor: images keep their srcset, and the
// figure button inserts an image from the library (same origin, with its alt
// text, caption and renditions) instead of asking for any address.
import {
  Figure as BaseFigure,
  Image as BaseImage,
  crel,
} from "django-prose-editor/editor"

export const Image = BaseImage.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      srcset: { default: null },
      sizes: { default: null },
    }
  },
})

// At the end of the selection (the selected words stay), where the dialog was opened.
const insertFromLibrary = (editor, image, at) => {
  const content = [
    {
      type: "image",
      attrs: {
        src: image.src,
        srcset: image.srcset || null,
        sizes: image.sizes || null,
        alt: image.alt,
        width: image.width,
        height: image.height,
      },
    },
  ]
  if (image.caption) {
    content.push({
      type: "caption",
      content: [{ type: "text", text: image.caption }],
    })
  }
  editor.chain().focus().insertContentAt(at, { type: "figure", content }).run()
}

const openLibrary = (editor, { libraryUrl, uploadUrl, messages }) => {
  const at = editor.state.selection.to
  const title = messages.title
  const search = crel("input", {
    type: "search",
    name: "q",
    id: "library-dialog-search",
    size: 30,
  })
  const list = crel("ul", { className: "library-dialog__images" })
  const status = crel("p", { className: "library-dialog__status" })
  status.setAttribute("role", "status")
  const cancel = crel("button", { type: "button", textContent: messages.cancel })
  const upload = crel("a", {
    href: uploadUrl,
    target: "_blank",
    rel: "noopener",
    textContent: messages.upload,
  })
  const dialog = crel("dialog", { className: "prose-editor-dialog library-dialog" }, [
    crel("form", { method: "dialog" }, [
      crel("h3", { className: "prose-editor-dialog-title", textContent: title }),
      crel("div", { className: "prose-editor-dialog-field" }, [
        crel("label", { htmlFor: search.id, textContent: messages.search }),
        search,
      ]),
      status,
      list,
      crel("div", { className: "prose-editor-dialog-buttons" }, [upload, cancel]),
    ]),
  ])
  dialog.setAttribute("aria-label", title)
  editor.view.dom.parentElement.append(dialog)

  const load = async () => {
    const url = `${libraryUrl}?q=${encodeURIComponent(search.value)}`
    const response = await fetch(url, { credentials: "same-origin" })
    const { images } = await response.json()
    list.replaceChildren(
      ...images.map((image) => {
        const choose = crel("button", { type: "button", className: "library-dialog__image" }, [
          crel("img", { src: image.thumbnail, alt: "", width: 120 }),
          crel("span", { textContent: image.alt }),
        ])
        choose.addEventListener("click", () => {
          dialog.close()
          insertFromLibrary(editor, image, at)
        })
        return crel("li", {}, [choose])
      }),
    )
    status.textContent = images.length ? "" : messages.none
  }

  let timer
  search.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(load, 250)
  })
  cancel.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => dialog.remove())
  dialog.showModal()
  load()
}

export const Figure = BaseFigure.extend({
  addOptions() {
    return { ...this.parent?.(), libraryUrl: null, uploadUrl: null, messages: {} }
  },

  addCommands() {
    const commands = this.parent?.() || {}
    return {
      ...commands,
      insertFigure:
        () =>
        (props) => {
          const { state, dispatch } = props
          // In a figure: edit it (its alt text, its caption) as before.
          if (state.selection.$from.node(1)?.type.name === "figure") {
            return commands.editImage()(props)
          }
          if (dispatch) openLibrary(props.editor, this.options)
          return true
        },
    }
  },
})

// The editing area is named after its field's label, as the textarea it replaces was.
document.addEventListener("prose-editor:ready", ({ detail: { editor, textarea } }) => {

  const label = document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`)
  if (label) editor.view.dom.setAttribute("aria-label", label.textContent.replace(/:$/, ""))
  editor.view.dom.setAttribute("aria-multiline", "true")
})
