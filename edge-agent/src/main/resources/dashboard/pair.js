"use strict";
document.getElementById("pair-form").addEventListener("submit", async ev => {
  ev.preventDefault();
  const button = document.getElementById("pair-submit");
  Fedge.showError("pair-error", "");
  const code = document.getElementById("code").value.trim();
  const username = document.getElementById("username").value.trim();
  const password = document.getElementById("password").value;
  const confirm = document.getElementById("confirm").value;
  if (!code) { Fedge.showError("pair-error", "Enter the pairing code from the appliance's label."); return; }
  if (password !== confirm) { Fedge.showError("pair-error", "The two passwords differ. Type the same password twice."); return; }
  button.disabled = true;
  const label = button.textContent;
  button.textContent = "Pairing…";
  try {
    await Fedge.api("/api/pair", { method: "POST", body: { code, username, password } });
    window.location.assign("/");
  } catch (e) {
    if (e.status === 409) { window.location.assign("/login"); return; }
    Fedge.showError("pair-error", e.message);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
});
document.getElementById("code").focus();
Fedge.api("/api/auth").then(a => {
  if (a.paired) { window.location.assign("/login"); return; }
  document.getElementById("password-help").textContent =
    "At least " + a.minPasswordLength + " characters. A short sentence is easy to remember and hard to guess.";
}).catch(() => {});
