// Lifeline: BeyondTrust-compatible start_session.js (spec api-command §9, D-73/D-74).
// Exposes BG.setSite, BG.START_TYPE and BG.start, which open /api/start_session on the configured site.
(function (global) {
  "use strict";
  var site = null;
  var START_TYPE = { CHAT: "chat", BROWSER: "browser", FULL: "full" };

  function add(params, name, value) {
    if (value !== undefined && value !== null && value !== "") params.push([name, String(value)]);
  }

  function formInputs(params, form) {
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.name && !((el.type === "checkbox" || el.type === "radio") && !el.checked)) add(params, el.name, el.value);
    }
  }

  function buildParams(startType, options) {
    var params = [];
    var methods = ["sessionKey", "rep", "issue"].filter(function (m) { return options[m] !== undefined; });
    if (methods.length !== 1) throw new Error("BG.start needs exactly one of sessionKey, rep or issue");
    if (options.sessionKey !== undefined) add(params, "short_key", options.sessionKey);
    if (options.rep) { add(params, "id", options.rep.id); add(params, "name", options.rep.name); }
    if (options.issue) {
      add(params, "issue_menu", 1);
      if (options.issue.tagName === "FORM") formInputs(params, options.issue);
      else if (options.issue.codeName !== undefined) add(params, "codeName", options.issue.codeName);
      else add(params, "id", options.issue.id);
    }
    if (options.skills && options.skills.length) add(params, "session.skills", options.skills.join(","));
    var customer = options.customer || {};
    ["name", "company", "company_code", "details"].forEach(function (k) { add(params, "customer." + k, customer[k]); });
    var attributes = options.attributes || {};
    Object.keys(attributes).forEach(function (k) { add(params, "session.custom." + k, attributes[k]); });
    add(params, "locale", options.locale);
    if (startType === START_TYPE.CHAT) add(params, "c2cjs", 1);
    if (startType === START_TYPE.BROWSER) add(params, "browser_share", 1);
    return params;
  }

  function start(startType, options) {
    if (!site) throw new Error("call BG.setSite(hostname) first");
    var query = buildParams(startType, options || {}).map(function (p) {
      return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
    }).join("&");
    var scheme = global.location && global.location.protocol === "http:" ? "http://" : "https://";
    var url = scheme + site + "/api/start_session?" + query;
    var fallback = options && options.uiOptions && options.uiOptions.fallbackToFullWindow;
    var opened = startType === START_TYPE.CHAT ? global.open(url, "lifeline_chat", "width=420,height=640") : null;
    if (!opened && (startType !== START_TYPE.CHAT || fallback !== false)) global.location.href = url;
  }

  global.BG = { setSite: function (hostname) { site = String(hostname); }, START_TYPE: START_TYPE, start: start };
})(typeof window !== "undefined" ? window : this);
