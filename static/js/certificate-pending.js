// A certificate that is being made: look at this page again every few seconds and reload it once
// the certificate is there (the page no longer marks it pending). Without JavaScript the page
// offers a reload link instead. Stops after about two minutes.
(() => {
  if (!document.querySelector("[data-certificate-pending]")) return;
  let tries = 0;
  const check = async () => {
    tries += 1;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      const html = await response.text();
      if (response.ok && !html.includes("data-certificate-pending")) {
        window.location.reload();
        return;
      }
    } catch (error) {
      // offline for a moment: try again
    }
    if (tries < 40) window.setTimeout(check, 3000);
  };
  window.setTimeout(check, 3000);
})();
