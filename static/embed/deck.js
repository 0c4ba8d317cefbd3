// Starts the example deck (reveal.js, vendored from npm at build time into vendor/reveal/).
/* global Reveal */
Reveal.initialize({ hash: true, controls: true, progress: true, center: true });
