// The flows page: Mermaid draws each journey from the text the server wrote into <pre class="mermaid">
// (the counts are in the text). Strict security: labels are sanitised and carry no links or scripts.
(() => {
  const { mermaid } = window;
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: 'neutral',
    flowchart: { htmlLabels: true },
  });
  mermaid.run({ querySelector: 'pre.mermaid' });
})();
