// Passkeys in the admin (templates/admin/security/passkey.html): create one, or give one
// as the second step of signing in. The options and the checks are the server's
// (django-otp-webauthn's views, accounts/passkeys.py); this only carries them to the
// browser's WebAuthn API and back, and says what happened in the admin's language.
;(() => {
  const root = document.querySelector("[data-passkey]")
  if (!root) return
  const mode = root.dataset.passkey // "register" or "verify"
  const start = root.querySelector(".passkey__start")
  const status = root.querySelector(".passkey__status")
  const message = (name) =>
    root.querySelector(".passkey__messages").content.querySelector(`[data-message="${name}"]`)
      .textContent
  const say = (name) => {
    status.textContent = message(name)
  }
  if (!window.PublicKeyCredential || !navigator.credentials) {
    say("unsupported")
    return
  }
  for (const hidden of root.querySelectorAll("[data-passkey-shown]")) hidden.hidden = false

  // WebAuthn speaks ArrayBuffers; the server speaks base64url in JSON.
  const toBuffer = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/")
    const bytes = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4))
    return Uint8Array.from(bytes, (c) => c.charCodeAt(0)).buffer
  }
  const toText = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "")
  const withIds = (list) => (list || []).map((item) => ({ ...item, id: toBuffer(item.id) }))
  // What py_webauthn parses: the credential as JSON, its response's buffers as text.
  const asJSON = (credential, response) => ({
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment,
    clientExtensionResults: credential.getClientExtensionResults(),
    response,
  })

  const post = (url, body) =>
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": root.querySelector("[name=csrfmiddlewaretoken]").value,
      },
      body: body === undefined ? "" : JSON.stringify(body),
    })

  const refused = (response) => (response.status === 429 ? "locked" : "failed")

  const register = async () => {
    const begun = await post(root.dataset.beginUrl)
    if (!begun.ok) return refused(begun)
    const options = await begun.json()
    options.challenge = toBuffer(options.challenge)
    options.user.id = toBuffer(options.user.id)
    options.excludeCredentials = withIds(options.excludeCredentials)
    const credential = await navigator.credentials.create({ publicKey: options })
    const response = credential.response
    const name = root.querySelector(".passkey__name")
    const url = new URL(root.dataset.completeUrl, location.href)
    url.searchParams.set("name", name ? name.value : "")
    const completed = await post(
      url,
      asJSON(credential, {
        clientDataJSON: toText(response.clientDataJSON),
        attestationObject: toText(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : [],
      }),
    )
    if (!completed.ok) return refused(completed)
    location.assign(root.dataset.doneUrl)
    return "done"
  }

  const verify = async () => {
    const begun = await post(root.dataset.beginUrl)
    if (!begun.ok) return refused(begun)
    const options = await begun.json()
    options.challenge = toBuffer(options.challenge)
    options.allowCredentials = withIds(options.allowCredentials)
    const credential = await navigator.credentials.get({ publicKey: options })
    const response = credential.response
    const url = new URL(root.dataset.completeUrl, location.href)
    url.searchParams.set("next", root.dataset.next || "")
    const completed = await post(
      url,
      asJSON(credential, {
        clientDataJSON: toText(response.clientDataJSON),
        authenticatorData: toText(response.authenticatorData),
        signature: toText(response.signature),
        userHandle: response.userHandle ? toText(response.userHandle) : null,
      }),
    )
    if (!completed.ok) return refused(completed)
    location.assign((await completed.json()).redirect_url)
    return "done"
  }

  start.addEventListener("click", async () => {
    start.disabled = true
    say("waiting")
    let outcome
    try {
      outcome = await (mode === "register" ? register() : verify())
    } catch (error) {
      // The person closed the browser's dialog, or the passkey is already registered.
      outcome = error.name === "InvalidStateError" ? "exists" : "cancelled"
    }
    if (outcome === "done") return
    say(outcome)
    // Locked: the half-done sign-in has ended on the server; signing in starts again.
    if (outcome === "locked") return
    start.disabled = false
    start.focus()
  })
})()
