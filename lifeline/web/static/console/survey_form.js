// A Rescue survey (services/sessions/surveys.describe) as a form, for the technician survey in
// the console and the customer survey on the customer page. Drop-down answers are sent as the
// 1-based number of the predefined answer, open answers as text (domain/surveys.validate_answers).

import { h } from "/static/lib/api.js";

export function surveyForm(survey, { prefix = "tc" } = {}) {
  const rows = [];
  for (const question of survey.questions || []) {
    const id = `${prefix}-survey-${question.index}`;
    const label = `${question.text}${question.mandatory ? " *" : ""}`;
    let input;
    if (question.type === "dropdown") {
      input = h("select", { id, name: String(question.index), required: question.mandatory },
        h("option", { value: "" }, "— choose —"),
        ...question.answers.map((answer, i) => h("option", { value: String(i + 1) }, answer)));
    } else {
      input = h("textarea", { id, name: String(question.index), maxlength: 1024, required: question.mandatory });
    }
    rows.push(h("div", { class: `${prefix}-survey-q` }, h("label", { for: id }, label), input));
  }
  const form = h("form", { class: `${prefix}-survey`, novalidate: true }, ...rows);
  form.answers = () => {
    const answers = {};
    for (const field of form.querySelectorAll("select, textarea")) {
      const value = field.value.trim();
      if (!value) continue;
      answers[field.name] = field.tagName === "SELECT" ? Number(value) : value;
    }
    return answers;
  };
  return form;
}
