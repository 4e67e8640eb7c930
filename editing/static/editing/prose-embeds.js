// Videos and posts in the body (sitewide/embeds.py draws them for readers): an "embed"
// node holding the address and what the reader will see before any click (a video's
// title; a post's author and text). It comes from the toolbar's button, from pasting a
// video's or a post's address, or from pasting a player's embed code (a YouTube
// <iframe>, an X or Mastodon blockquote). The server recognises the address and, when
// it may, asks the provider for the title or the text; the sanitiser keeps the embed
// as it draws it and nothing else.
import { Node, Plugin, crel } from "django-prose-editor/editor"

const VIDEO = "video"
const POST = "post"

const attribute = (name) => ({
  default: "",
  parseHTML: (element) => element.getAttribute(`data-embed-${name}`) || "",
  renderHTML: (attrs) => (attrs[name] ? { [`data-embed-${name}`]: attrs[name] } : {}),
})

// The text of a post as it is kept: paragraphs separated by a blank line.
const quotedText = (element) => {
  const quote = element.querySelector(":scope > blockquote")
  if (!quote) return ""
  const paragraphs = [...quote.querySelectorAll("p")].map((p) => p.textContent.trim())
  return (paragraphs.length ? paragraphs : [quote.textContent.trim()]).filter(Boolean).join("\n\n")
}

const isPost = (element) =>
  element.classList.contains("embed--post") ||
  element.hasAttribute("data-embed-author") ||
  Boolean(element.querySelector(":scope > blockquote"))

const lookup = async (lookupUrl, url) => {
  const response = await fetch(`${lookupUrl}?url=${encodeURIComponent(url)}`, {
    credentials: "same-origin",
  })
  const answer = await response.json().catch(() => ({}))
  return response.ok ? answer : null
}

const hostOf = (url) => {
  try {
    return new URL(url).hostname
  } catch {
    return ""
  }
}

// Embed code, as YouTube, X or Mastodon give it to copy, becomes the embed's markup
// before the editor reads it; its <script> goes with it.
const transformEmbedCode = (html) => {
  if (!/<(iframe|blockquote)/i.test(html)) return html
  const doc = new DOMParser().parseFromString(html, "text/html")
  const figure = (attrs, quote = null) => {
    const element = doc.createElement("figure")
    element.className = `embed embed--${quote ? POST : VIDEO}`
    // Pasted, not yet seen by the server: checkEmbeds() asks it.
    element.dataset.embedCheck = "1"
    for (const [name, value] of Object.entries(attrs)) {
      if (value) element.setAttribute(`data-embed-${name}`, value)
    }
    if (quote) element.append(quote)
    return element
  }
  for (const frame of doc.querySelectorAll("iframe[src]")) {
    frame.replaceWith(figure({ url: frame.src, title: frame.title }))
  }
  for (const quote of doc.querySelectorAll("blockquote.twitter-tweet")) {
    const links = quote.querySelectorAll("a[href*='/status/']")
    const link = links[links.length - 1]
    const author = [...quote.childNodes]
      .filter((node) => node.nodeType === 3) // text
      .map((node) => node.textContent)
      .join(" ")
      .replace(/^[\s—-]+|[\s—-]+$/g, "")
    link?.remove()
    const text = doc.createElement("blockquote")
    for (const p of quote.querySelectorAll("p")) text.append(p)
    quote.replaceWith(figure({ url: link?.href.split("?")[0], author }, text))
  }
  for (const quote of doc.querySelectorAll("blockquote.mastodon-embed")) {
    const url = (quote.dataset.embedUrl || quote.querySelector("a")?.href || "").replace(
      /\/embed$/,
      "",
    )
    quote.replaceWith(figure({ url }, doc.createElement("blockquote")))
  }
  for (const script of doc.querySelectorAll("script")) script.remove()
  return doc.body.innerHTML
}

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { lookupUrl: null, messages: {} }
  },

  addAttributes() {
    return {
      url: attribute("url"),
      title: attribute("title"),
      author: attribute("author"),
      kind: {
        default: VIDEO,
        parseHTML: (element) => (isPost(element) ? POST : VIDEO),
        renderHTML: () => ({}),
      },
      text: { default: "", parseHTML: quotedText, renderHTML: () => ({}) },
      // "yes": known to the server as a video or a post it can embed (a saved body's
      // embeds are); "check" until it is asked; "no" shows a warning.
      valid: {
        default: "yes",
        parseHTML: (element) => (element.hasAttribute("data-embed-check") ? "check" : "yes"),
        rendered: false,
      },
    }
  },

  parseHTML() {
    // Before the Figure extension's rule, which would take any <figure>.
    return [{ tag: "figure[data-embed-url]", priority: 100 }]
  },

  renderHTML({ node, HTMLAttributes }) {
    const { kind, text } = node.attrs
    const attrs = { class: `embed embed--${kind}`, ...HTMLAttributes }
    if (kind !== POST) return ["figure", attrs]
    const paragraphs = text.split("\n\n").filter(Boolean)
    return ["figure", attrs, ["blockquote", {}, ...paragraphs.map((p) => ["p", {}, p])]]
  },

  addNodeView() {
    const { messages } = this.options
    return ({ node, editor, getPos }) => {
      const dom = crel("figure", { className: "embed-editor", contentEditable: false })
      const render = (current) => {
        const { kind, url, title, author, text, valid } = current.attrs
        dom.className = `embed-editor embed-editor--${kind}${valid === "no" ? " embed-editor--invalid" : ""}`
        dom.replaceChildren(
          crel("span", {
            className: "embed-editor__kind",
            textContent: `${kind === POST ? messages.post : messages.video} · ${hostOf(url)}`,
          }),
          crel("strong", {
            className: "embed-editor__title",
            textContent: kind === POST ? author : title || url,
          }),
          ...(kind === POST && text
            ? [crel("span", { className: "embed-editor__text", textContent: text })]
            : []),
          crel("span", { className: "embed-editor__url", textContent: url }),
          ...(valid === "no"
            ? [crel("span", { className: "embed-editor__warning", textContent: messages.unknown })]
            : []),
        )
      }
      render(node)
      dom.addEventListener("dblclick", () => {
        editor.chain().setNodeSelection(getPos()).editEmbed().run()
      })
      return {
        dom,
        update: (updated) => {
          if (updated.type.name !== "embed") return false
          render(updated)
          return true
        },
      }
    }
  },

  addCommands() {
    return {
      editEmbed:
        () =>
        ({ editor, state, dispatch }) => {
          if (!dispatch) return true
          const selected = state.selection.node?.type.name === "embed" ? state.selection : null
          openEmbedDialog(editor, this.options, selected)
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      command(editor) {
        editor.chain().focus().editEmbed().run()
      },
      button: buttons.material("smart_display", "embed"),
      active(editor) {
        return editor.isActive("embed")
      },
    })
  },

  addProseMirrorPlugins() {
    const { lookupUrl } = this.options
    const editor = this.editor
    return [
      new Plugin({
        props: {
          transformPastedHTML: transformEmbedCode,
          // An address pasted on its own: a video or a post becomes its embed, anything
          // else stays the text it was (the paste is never lost waiting for the server).
          handlePaste: (view, event) => {
            const text = event.clipboardData?.getData("text/plain").trim() || ""
            const { schema, selection } = view.state
            if (!selection.empty || !/^https?:\/\/\S+$/.test(text)) return false
            const link = schema.marks.link?.create({ href: text })
            view.dispatch(view.state.tr.replaceSelectionWith(schema.text(text, link ? [link] : [])))
            lookup(lookupUrl, text).then((embed) => {
              if (embed) replaceAddress(editor, text, embed)
            })
            return true
          },
        },
        // Embeds that arrived by paste or by recovery are checked once with the server.
        view: () => ({
          update: (view) => checkEmbeds(editor, lookupUrl),
        }),
      }),
    ]
  },
})

const embedNode = (editor, embed) =>
  editor.schema.nodes.embed.create({
    kind: embed.kind,
    url: embed.url,
    title: embed.title,
    author: embed.author,
    text: embed.text,
    valid: "yes",
  })

// The pasted address becomes the embed: its paragraph, when the address was all of it.
const replaceAddress = (editor, text, embed) => {
  let found = null
  editor.state.doc.descendants((node, pos) => {
    if (found) return false
    if (node.isText && node.text.includes(text)) {
      found = { from: pos + node.text.indexOf(text), to: pos + node.text.indexOf(text) + text.length }
    }
  })
  if (!found) return
  const { state } = editor
  const $from = state.doc.resolve(found.from)
  const paragraph = $from.parent
  const tr = state.tr
  if (paragraph.textContent.trim() === text) {
    tr.replaceWith($from.before(), $from.after(), embedNode(editor, embed))
  } else {
    tr.delete(found.from, found.to).insert(tr.mapping.map($from.after()), embedNode(editor, embed))
  }
  editor.view.dispatch(tr)
}

const checking = new WeakSet()

const checkEmbeds = (editor, lookupUrl) => {
  editor.state.doc.descendants((node) => {
    if (node.type.name !== "embed" || node.attrs.valid !== "check" || checking.has(node)) return
    checking.add(node)
    lookup(lookupUrl, node.attrs.url).then((embed) => {
      editor.state.doc.descendants((current, pos) => {
        if (current !== node) return
        const attrs = embed
          ? {
              ...node.attrs,
              url: embed.url,
              kind: embed.kind,
              title: node.attrs.title || embed.title,
              author: node.attrs.author || embed.author,
              text: node.attrs.text || embed.text,
              valid: "yes",
            }
          : { ...node.attrs, valid: "no" }
        editor.view.dispatch(editor.state.tr.setNodeMarkup(pos, null, attrs).setMeta("addToHistory", false))
        return false
      })
    })
  })
}

let dialogs = 0

// Insert or edit an embed: the address first; what the reader sees before any click
// (a title, an author and text) is filled in by the server when it can, and editable.
const openEmbedDialog = (editor, { lookupUrl, messages }, selection) => {
  const current = selection?.node.attrs
  const n = ++dialogs
  const id = (name) => `embed-dialog-${n}-${name}`
  const field = (name, label, element) =>
    crel("div", { className: "prose-editor-dialog-field" }, [
      crel("label", { htmlFor: id(name), textContent: label }),
      element,
    ])
  const url = crel("input", {
    id: id("url"),
    type: "url",
    required: true,
    value: current?.url || "",
    "aria-describedby": id("help"),
  })
  const title = crel("input", { id: id("title"), type: "text", value: current?.title || "" })
  const author = crel("input", { id: id("author"), type: "text", value: current?.author || "" })
  const text = crel("textarea", { id: id("text"), rows: 5, value: current?.text || "" })
  const videoFields = field("title", messages.videoTitle, title)
  const postFields = crel("div", {}, [
    field("author", messages.author, author),
    field("text", messages.text, text),
  ])
  const status = crel("p", { className: "embed-dialog__status", role: "status" })
  const submit = crel("button", {
    type: "submit",
    textContent: current ? messages.update : messages.insert,
  })
  const cancel = crel("button", { type: "button", textContent: messages.cancel })
  const heading = crel("h3", {
    className: "prose-editor-dialog-title",
    id: id("heading"),
    textContent: current ? messages.edit : messages.title,
  })
  const form = crel("form", {}, [
    heading,
    field("url", messages.url, url),
    crel("p", { className: "prose-editor-help", id: id("help"), textContent: messages.urlHelp }),
    videoFields,
    postFields,
    status,
    crel("div", { className: "prose-editor-dialog-buttons" }, [submit, cancel]),
  ])
  const dialog = crel("dialog", { className: "prose-editor-dialog embed-dialog" }, [form])
  dialog.setAttribute("aria-labelledby", heading.id)
  document.body.append(dialog)

  let embed = current ? { ...current } : null
  const show = () => {
    videoFields.hidden = embed?.kind !== VIDEO
    postFields.hidden = embed?.kind !== POST
  }
  show()

  const recognise = async () => {
    const address = url.value.trim()
    if (!address || address === embed?.url) return embed
    status.textContent = messages.looking
    const found = await lookup(lookupUrl, address)
    status.textContent = found ? "" : messages.invalid
    if (found) {
      embed = found
      title.value ||= found.title
      author.value ||= found.author
      text.value ||= found.text
    }
    show()
    return found
  }
  url.addEventListener("change", recognise)

  form.addEventListener("submit", async (event) => {
    event.preventDefault()
    const found = await recognise()
    if (!found) {
      status.textContent = messages.invalid
      url.focus()
      return
    }
    const node = embedNode(editor, {
      ...found,
      url: found.url,
      title: title.value.trim(),
      author: author.value.trim(),
      text: text.value.trim(),
    })
    dialog.close()
    const chain = editor.chain().focus()
    if (selection) {
      chain.command(({ tr }) => {
        tr.replaceWith(selection.from, selection.to, node)
        return true
      })
    } else {
      chain.insertContent(node.toJSON())
    }
    chain.run()
  })
  cancel.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => dialog.remove())
  dialog.showModal()
}
