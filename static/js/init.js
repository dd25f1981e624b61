// Starts the NHS.UK components (header menu, error summary focus, skip link…). The module's
// address comes from the page, so it is the hashed name the static files are served under.
const address = document.querySelector('meta[name="bcf-nhsuk-module"]').content;
import(address).then(({ initAll }) => initAll());
