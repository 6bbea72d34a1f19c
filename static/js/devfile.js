// The development file: the print button (inline handlers are refused by the CSP).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
