// Starts Swagger UI on the hub's own OpenAPI document (kept out of the page: the CSP allows no inline script).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    // Deep links put a link inside each operation's toggle button (a control inside a control for screen readers).
    deepLinking: false,
    tryItOutEnabled: true,
    onComplete: function () {
      // What Swagger UI leaves out for screen readers: a name for its server picker, landmarks around the parts
      // above its <main>, and a heading level under its <h1> title for the tag and schema sections (<h3> and <h4>).
      var servers = document.getElementById("servers");
      if (servers) servers.setAttribute("aria-label", "Servers");
      var info = document.querySelector(".swagger-ui .information-container");
      if (info) info.setAttribute("role", "banner");
      var schemes = document.querySelector(".swagger-ui .schemes-server-container");
      if (schemes) {
        schemes.setAttribute("role", "region");
        schemes.setAttribute("aria-label", "Servers");
      }
      var tags = document.querySelectorAll(".swagger-ui h3.opblock-tag, .swagger-ui section.models > h4");
      for (var i = 0; i < tags.length; i++) tags[i].setAttribute("aria-level", "2");
    },
  });
});
