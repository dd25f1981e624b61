// Runs first in <body>, before anything is drawn: tells the NHS.UK styles that scripts run.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("nhsuk-frontend-supported");
}
