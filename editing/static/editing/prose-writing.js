// Carnet's writing comforts on django-prose-editor (editing/editor.py configures them):
// the toolbar's tooltips in the admin's language, a block type <select> that shows
// where the caret is, Ctrl+K (Cmd+K) for a link with or without selected words, and the
// browser's spelling checker in the language of the form's language field.
import {
  Link as BaseLink,
  Menu as BaseMenu,
  Extension,
  createMenuFromGroups,
  crel,
  gettext,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const isMac = /Mac|iPhone|iPad/.test(navigator.platform)
// "Ctrl+K" reads "⌘K" where the key is Command.
const shortcut = (label) => (isMac ? label.replace(/Ctrl\+/g, "⌘").replace(/Shift\+/g, "⇧") : label)

const BLOCK_TYPES = ["paragraph", "heading2", "heading3", "heading4"]

// The block type as a labelled <select>: a native control, its value always in words
// ("Paragraphe", "Titre 2"), reachable with the keyboard.
const blockTypeSelect = (editor, items, words) => {
  const available = BLOCK_TYPES.map((name) => items.find((item) => item.name === name)).filter(
    Boolean,
  )
  const other = crel("option", { value: "", textContent: words.other, disabled: true })
  const select = crel(
    "select",
    { className: "prose-menubar__blocktype", title: words.label, "aria-label": words.label },
    [
      ...available.map((item) => crel("option", { value: item.name, textContent: words[item.name] })),
      other,
    ],
  )
  select.addEventListener("change", () => {
    const item = available.find((candidate) => candidate.name === select.value)
    if (item) item.command(editor)
  })
  editor.on("transaction", () => {
    const active = available.find((item) => item.active(editor))
    select.value = active ? active.name : ""
    other.hidden = Boolean(active)
    select.disabled = !editor.isEditable
  })
  return crel("div", { className: "prose-menubar__group" }, [select])
}

const relabel = (items, labels) => {
  for (const { name, button } of items) {
    const label = labels[name]
    if (!label || !button) continue
    button.title = shortcut(label)
    button.setAttribute("aria-label", label.replace(/ \(.*\)$/, ""))
  }
}

export const Menu = BaseMenu.extend({
  addOptions() {
    return { ...this.parent?.(), labels: {}, blockTypes: {} }
  },

  onCreate(props) {
    const { groups, labels, blockTypes } = this.options
    this.options.items = ({ editor, buttons, menu }) => {
      const names = groups.flatMap(({ group }) => group.split(/\s+/))
      const all = menu.items(names.filter((name) => !name.startsWith("-")).join(" "))
      relabel(all, labels)
      return [
        blockTypeSelect(editor, menu.items("blockType"), blockTypes),
        ...createMenuFromGroups(groups)({ editor, buttons, menu }),
      ]
    }
    this.parent?.(props)
  },
})

// Ctrl+K opens the link dialog wherever the caret is: on selected words, it links them;
// with nothing selected, it asks for the text too and inserts the link.
export const Link = BaseLink.extend({
  addOptions() {
    return { ...this.parent?.(), messages: {} }
  },

  addMenuItems(storage) {
    this.parent?.(storage)
    const { menu, buttons } = storage
    menu.defineItem({
      name: "link",
      groups: "link",
      command(editor) {
        editor.chain().addLink().focus().run()
      },
      button: buttons.material("insert_link", "link"),
      active(editor) {
        return editor.isActive("link")
      },
    })
  },

  // Handled (true), so that ProseMirror stops the browser's own Ctrl+K (Cmd+K) too. The
  // words just selected with Shift+arrows may not have reached the editor's state yet
  // (it reads the browser's selection a moment later): read it first.
  addKeyboardShortcuts() {
    return {
      "Mod-k": () => {
        this.editor.view.domObserver?.flush()
        this.editor.commands.addLink()
        return true
      },
    }
  },

  addCommands() {
    const commands = this.parent?.() || {}
    const { messages } = this.options
    return {
      ...commands,
      addLink:
        () =>
        (props) => {
          const { editor } = props
          if (!editor.state.selection.empty || editor.isActive("link")) {
            return commands.addLink()(props)
          }
          const at = editor.state.selection.from
          updateAttrsDialog(
            {
              href: { type: "string", title: gettext("URL"), required: true },
              text: { type: "string", title: messages.text },
            },
            { title: gettext("Edit Link"), submitText: messages.insert },
          )(editor, {}).then((attrs) => {
            const href = attrs?.href.trim()
            if (!href) return
            editor
              .chain()
              .focus()
              .insertContentAt(at, {
                type: "text",
                text: attrs.text.trim() || href,
                marks: [{ type: "link", attrs: { href } }],
              })
              .run()
          })
          return true
        },
    }
  },
})

// The browser's spelling checker, in the language the article is written in: the
// editing area's lang follows the form's language field as it changes (no field for
// a text always in one language, such as a page's English version).
export const SpellCheck = Extension.create({
  name: "spellCheck",

  addOptions() {
    return { languageField: "language", language: "" }
  },

  onCreate() {
    const dom = this.editor.view.dom
    const name = this.options.languageField
    const field = name ? dom.closest("form")?.elements.namedItem(name) : null
    const follow = () => {
      dom.lang = field?.value || this.options.language || document.documentElement.lang
    }
    dom.spellcheck = true
    follow()
    field?.addEventListener?.("change", follow)
  },
})
