"use strict";
document.getElementById("login-form").addEventListener("submit", async ev => {
  ev.preventDefault();
  const button = document.getElementById("login-submit");
  Fedge.showError("login-error", "");
  const username = document.getElementById("username").value.trim();
  const password = document.getElementById("password").value;
  if (!username || !password) { Fedge.showError("login-error", "Enter your user name and password."); return; }
  button.disabled = true;
  const label = button.textContent;
  button.textContent = "Checking…";
  try {
    await Fedge.api("/api/login", { method: "POST", body: { username, password } });
    window.location.assign("/");
  } catch (e) {
    Fedge.showError("login-error", e.message);
    document.getElementById("password").value = "";
    document.getElementById("password").focus();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
});
document.getElementById("username").focus();
