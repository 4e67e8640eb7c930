// Carnet's progressive enhancements. Every page reads and every form posts without them.

// A link in a form's error summary puts the keyboard in the field it names.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".error-summary a[href^='#']");
  const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (field) {
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  }
});

// A video's facade (sitewide/embeds.py) becomes its player when the reader clicks it,
// not before: until then nothing is asked of the video's site. The player's address is
// the one the sanitiser wrote; the page's Content Security Policy frames no other.
document.addEventListener("click", (event) => {
  const facade = event.target.closest(".embed__facade[data-embed-player]");
  if (!facade || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  const player = new URL(facade.dataset.embedPlayer, location.href);
  if (player.protocol !== "https:") return;
  event.preventDefault();
  const frame = document.createElement("iframe");
  frame.className = "embed__player";
  frame.src = player.href;
  frame.title = facade.querySelector(".embed__title")?.textContent || "";
  frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
  frame.allowFullscreen = true;
  // The page's own policy sends no referrer to other sites; players need the origin.
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  facade.replaceWith(frame);
  frame.focus();
});

// An emailed link keeps its secret after "#", which browsers never send: no access log
// holds it. Its page (comments/link_open.html) posts it at once, and takes it out of the
// address bar and the history. Without the script, the reader pastes it into the form.
const opener = document.querySelector("form[data-link-opener]");
if (opener && location.hash.length > 1) {
  opener.elements.token.value = decodeURIComponent(location.hash.slice(1));
  history.replaceState(null, "", location.pathname + location.search);
  opener.requestSubmit();
}

// A notice answers what the reader just did: after a redirect to a place on the page
// (their comment, the comment form), it moves there, so that it is read where the reader
// is looking rather than at the top of a long article. Without the script it stays on top.
const notices = document.querySelector(".messages");
const place = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
if (notices && place && !notices.contains(place)) {
  notices.classList.replace("wrap", "messages--here");
  place.before(notices);
  // The browser scrolls to the fragment's element once the page has loaded: after it.
  const show = () => notices.scrollIntoView({ block: "start" });
  show();
  addEventListener("load", () => requestAnimationFrame(show), { once: true });
}

// A comment box with a limit shows how many characters it holds, and says plainly when
// it holds too many. Nothing is cut: the server refuses the excess and keeps the text.
for (const box of document.querySelectorAll("textarea[data-max-length]")) {
  const max = Number(box.dataset.maxLength);
  const counter = document.createElement("span");
  counter.className = "counter";
  counter.id = `${box.id}_counter`;
  box.after(counter);
  const described = box.getAttribute("aria-describedby");
  box.setAttribute("aria-describedby", described ? `${described} ${counter.id}` : counter.id);
  const number = (n) => n.toLocaleString(document.documentElement.lang);
  const show = () => {
    const count = [...box.value].length;
    const over = count > max;
    counter.textContent = (over ? box.dataset.counterOver : box.dataset.counter)
      .replace("{count}", number(count))
      .replace("{max}", number(max))
      .replace("{over}", number(count - max));
    counter.classList.toggle("counter--over", over);
  };
  box.addEventListener("input", show);
  show();
}

// "Quote", beside each comment's "Reply": its words go into the comment box as a quote
// ("> " lines, which the server renders as one), and the keyboard goes to the box.
const commentBox = document.querySelector("#comment-form textarea[data-quote]");
if (commentBox) {
  for (const reply of document.querySelectorAll(".comment__reply")) {
    const body = reply.closest(".comment")?.querySelector(".comment__body");
    if (!body) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "comment__quote";
    button.textContent = commentBox.dataset.quote;
    button.addEventListener("click", () => {
      const words = [...body.querySelectorAll("p")].map((p) => p.innerText.trim()).join("\n\n");
      const quote = words.split("\n").map((line) => `> ${line}`.trimEnd()).join("\n");
      const before = commentBox.value.trim();
      commentBox.value = `${before ? `${before}\n\n` : ""}${quote}\n\n`;
      commentBox.dispatchEvent(new Event("input"));
      commentBox.focus();
      commentBox.setSelectionRange(commentBox.value.length, commentBox.value.length);
    });
    reply.append(" ", button);
  }
}

// "Reply to …" opens the form under the comment it answers, quoting it, without leaving
// the page; without the script the link reloads the page with that form.
const commentForm = document.getElementById("comment-form");
// Where the form was and what its title said, for "Cancel reply" to put them back.
let formHome = null;
let formTitle = null;
const cancelReply = () => {
  commentForm.querySelector(".comment-form__title").replaceWith(formTitle.cloneNode(true));
  commentForm.querySelector(".comment-form__answering")?.remove();
  commentForm.querySelector(".comment-form__cancel")?.remove();
  const parent = commentForm.querySelector("input[name='parent']");
  if (parent) parent.value = "";
  formHome.after(commentForm);
  commentForm.querySelector("textarea[name='body']").focus();
};
document.addEventListener("click", (event) => {
  const link = event.target.closest(".comment__reply a[href*='reply_to=']");
  if (!link || !commentForm || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  const comment = link.closest(".comment");
  const body = comment?.querySelector(".comment__body");
  if (!body) return;
  event.preventDefault();
  let parent = commentForm.querySelector("input[name='parent']");
  if (!parent) {
    parent = document.createElement("input");
    parent.type = "hidden";
    parent.name = "parent";
    commentForm.append(parent);
  }
  if (!formHome) {
    formHome = document.createComment("comment form");
    commentForm.before(formHome);
    formTitle = commentForm.querySelector(".comment-form__title").cloneNode(true);
  }
  parent.value = new URL(link.href).searchParams.get("reply_to");
  const title = commentForm.querySelector(".comment-form__title");
  title.textContent = link.textContent;
  commentForm.querySelector(".comment-form__answering")?.remove();
  const answering = document.createElement("blockquote");
  answering.className = "quoted-comment comment-form__answering";
  answering.append(...[...body.childNodes].map((node) => node.cloneNode(true)));
  commentForm.querySelector(".comment-form__cancel")?.remove();
  const cancel = document.createElement("p");
  cancel.className = "comment-form__cancel";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = commentForm.dataset.cancelReply;
  button.addEventListener("click", cancelReply);
  cancel.append(button);
  title.after(answering, cancel);
  comment.after(commentForm);
  commentForm.querySelector("textarea[name='body']").focus();
});

// A live coverage's page asks for the entries posted or changed since it was rendered,
// one range of time after another (blog/live.py), every data-live-seconds: each answer
// is the same for every reader, so caches keep it. An entry already shown is replaced,
// a new one placed by time, pinned ones first. A range that is over leads to the next at
// once; an ended coverage (or a refused range) stops the asking. Without the script,
// reloading the page shows the new entries.
const live = document.querySelector(".live[data-live-url]");
if (live) {
  const list = live.querySelector(".live__entries");
  const every = Number(live.dataset.liveSeconds) * 1000;
  let start = Number(live.dataset.liveStart);
  const place = (entry) => {
    document.getElementById(entry.id)?.remove();
    list.querySelector(".live__empty")?.remove();
    const pinned = entry.hasAttribute("data-pinned");
    // Newest first, as the page is rendered: by time to the second, then by number
    // (two entries posted within one second).
    const order = (element) => [Number(element.dataset.published), Number(element.id.replace("live-entry-", ""))];
    const [time, number] = order(entry);
    const after = [...list.children].find((other) => {
      const otherPinned = other.hasAttribute("data-pinned");
      if (pinned !== otherPinned) return !otherPinned;
      const [otherTime, otherNumber] = order(other);
      return otherTime < time || (otherTime === time && otherNumber < number);
    });
    list.insertBefore(entry, after || null);
  };
  const poll = async () => {
    let response;
    try {
      // Past the browser's own copy, which may be a few seconds old: the shared caches
      // in front still answer for everyone (their copy is as fresh as Carnet says).
      response = await fetch(`${live.dataset.liveUrl}${start}/`, { cache: "no-cache" });
    } catch {
      setTimeout(poll, every);
      return;
    }
    if (response.status === 404 || response.status === 400) return;
    if (!response.ok) {
      setTimeout(poll, every);
      return;
    }
    const range = new DOMParser().parseFromString(await response.text(), "text/html").querySelector(".live-range");
    if (!range) return;
    for (const entry of [...range.querySelectorAll(".live-entry")].reverse()) place(document.adoptNode(entry));
    // The open range names every entry there is: one posted before it was rendered and
    // not named was deleted (a newer one may come from a fresher page than the answer).
    if (range.dataset.entries !== undefined) {
      const kept = new Set(range.dataset.entries.split(" ").map((id) => `live-entry-${id}`));
      for (const entry of [...list.querySelectorAll(".live-entry")]) {
        if (!kept.has(entry.id) && Number(entry.dataset.published) <= Number(range.dataset.rendered)) entry.remove();
      }
    }
    if (range.hasAttribute("data-ended")) return;
    if (range.dataset.closed === "true") start += Number(live.dataset.liveRange);
    setTimeout(poll, range.dataset.closed === "true" ? 0 : every);
  };
  setTimeout(poll, every);
}

// A read counts towards the edition's most-read list (blog/most_read.py): one post of the
// article's number, without cookies, once the page is in front of the reader (not while
// the browser prerenders it or keeps it in a tab behind). Nothing else is sent or kept.
const read = document.querySelector("[data-count-read]");
if (read) {
  const count = () => {
    fetch(read.dataset.countRead, {
      method: "POST",
      body: new URLSearchParams({ article: read.dataset.article }),
      credentials: "omit",
      keepalive: true,
    }).catch(() => {});
  };
  const whenSeen = () => {
    if (document.visibilityState !== "visible" || document.prerendering) return false;
    count();
    return true;
  };
  if (!whenSeen()) {
    const wait = () => {
      if (!whenSeen()) return;
      document.removeEventListener("visibilitychange", wait);
      document.removeEventListener("prerenderingchange", wait);
    };
    document.addEventListener("visibilitychange", wait);
    document.addEventListener("prerenderingchange", wait);
  }
}

// The edition's most-read lists after the story: fetched from their own page, which caches
// keep for minutes, so that the article page itself is kept until it changes. Without
// JavaScript the slot holds a link to that page.
const mostRead = document.querySelector("[data-most-read]");
if (mostRead) {
  fetch(mostRead.dataset.mostRead, { credentials: "omit" })
    .then((response) => (response.ok ? response.text() : ""))
    .then((html) => {
      const page = new DOMParser().parseFromString(html, "text/html");
      const lists = page.querySelector("section.most-read");
      if (lists) mostRead.replaceWith(document.adoptNode(lists));
    })
    .catch(() => {});
}
