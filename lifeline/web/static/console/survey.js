// The technician survey at session end (part2 §7.1): the group's Rescue questions in a dialog, or
// the self-hosted survey opened in a new window. Asked once per session.

import { h } from "/static/lib/api.js";
import { consoleApi } from "/static/console/api.js";
import { openDialog } from "/static/console/dialog.js";
import { detail, notify } from "/static/console/state.js";
import { surveyForm } from "/static/console/survey_form.js";

const asked = new Set();

export async function technicianSurvey(session) {
  if (asked.has(session.id) || detail(session.id).surveyDone) return;
  asked.add(session.id);
  const survey = await consoleApi.survey(session.lsid);
  if (survey.mode === "self_hosted") {
    window.open(survey.url, "_blank", "noopener");
    return;
  }
  if (survey.mode !== "rescue" || !(survey.questions || []).length) return;
  const form = surveyForm(survey, { prefix: "tc" });
  const done = await openDialog({
    title: "Technician survey",
    className: "tc-survey-dialog",
    cancelLabel: "Skip",
    build: () => [h("p", {}, `Session with ${session.customer_name || "the customer"} has ended.`), form],
    buttons: [{ label: "Submit survey", primary: true, action: async () => {
      await consoleApi.answerSurvey(session.lsid, form.answers());
      return true;
    } }],
  });
  if (done) {
    detail(session.id).surveyDone = true;
    notify(`session:${session.id}`);
  }
}
