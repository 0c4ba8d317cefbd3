// Writes this site's address into the snippets of the page (where they say https://YOUR-SITE/).
const site = new URL("../", location.href).href;
for (const code of document.querySelectorAll("[data-site]")) {
  code.textContent = code.textContent.replaceAll("https://YOUR-SITE/", site);
}
