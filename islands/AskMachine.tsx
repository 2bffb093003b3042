import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { apiFetch } from "../web/browser/api_fetch.ts";

/** Props of {@link AskMachine}: the machine questions are about. */
export interface AskMachineProps {
  readonly factory: string;
  readonly machine: string;
}

/** A tool the agent used, as `POST …/ask` reports it. */
interface UsedTool {
  readonly name: string;
  readonly arguments: unknown;
  readonly ok: boolean;
}

interface Answer {
  readonly answer: string;
  readonly toolCalls: readonly UsedTool[];
  readonly model: string;
}

/** Longest question the API accepts (routes/api/v1/agent.ts). */
const MAX_QUESTION = 2_000;

/**
 * "Ask about this machine": a question box sending `POST
 * /api/v1/factories/{f}/machines/{m}/ask`, the assistant's answer, and the
 * tools it used to get there (with their arguments), so operators can see
 * what the answer rests on. Refusals (no LLM configured: 503) show the
 * API's own message.
 */
export default function AskMachine({ factory, machine }: AskMachineProps): VNode {
  const question = useSignal("");
  const busy = useSignal(false);
  const answer = useSignal<Answer | undefined>(undefined);
  const problem = useSignal<string | undefined>(undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    const text = question.value.trim();
    if (text === "" || busy.value) return;
    busy.value = true;
    problem.value = undefined;
    try {
      answer.value = await ask(factory, machine, text);
    } catch (error) {
      problem.value = (error as Error).message;
    } finally {
      busy.value = false;
    }
  };

  const a = answer.value;
  return (
    <section class="panel ask-machine" aria-labelledby="ask-title" data-machine={machine}>
      <h2 id="ask-title" class="panel-title">
        Ask about {machine}
        <span class="panel-note">the assistant reads this machine's data</span>
      </h2>
      <form class="alert-action-form ask-form" onSubmit={submit}>
        <label class="alert-field alert-field--wide">
          <span>Question</span>
          <input
            type="text"
            name="question"
            maxLength={MAX_QUESTION}
            required
            value={question.value}
            placeholder="Why is the oil temperature rising?"
            onInput={(e) => question.value = e.currentTarget.value}
          />
        </label>
        <div class="alert-action-buttons">
          <button
            type="submit"
            class="alert-button alert-button--primary"
            disabled={busy.value || question.value.trim() === ""}
          >
            {busy.value ? "Thinking…" : "Ask"}
          </button>
        </div>
      </form>
      {problem.value !== undefined && <p class="form-problem" role="alert">{problem.value}</p>}
      {a !== undefined && (
        <div class="ask-answer" aria-live="polite">
          <p class="alert-why ask-answer-text">{a.answer}</p>
          <p class="muted ask-tools">
            {a.toolCalls.length === 0
              ? `Answered by ${a.model} without looking at data.`
              : `Answered by ${a.model} after looking at: `}
            {a.toolCalls.map((t, i) => (
              <span
                key={i}
                class="ask-tool"
                data-ok={String(t.ok)}
                title={JSON.stringify(t.arguments)}
              >
                {i > 0 && ", "}
                {t.name}
                {describeArguments(t.arguments)}
                {!t.ok && " (refused)"}
              </span>
            ))}
          </p>
        </div>
      )}
    </section>
  );
}

/** ` (metric oil_temp, from now-2h)` from a tool's arguments; empty when there are none. */
function describeArguments(args: unknown): string {
  if (typeof args !== "object" || args === null) return "";
  const parts = Object.entries(args as Record<string, unknown>)
    .map(([k, v]) => `${k} ${typeof v === "string" ? v : JSON.stringify(v)}`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

async function ask(factory: string, machine: string, question: string): Promise<Answer> {
  const body = await apiFetch(
    `/api/v1/factories/${encodeURIComponent(factory)}/machines/${encodeURIComponent(machine)}/ask`,
    { method: "POST", json: { question } },
  ) as Answer | undefined;
  if (typeof body?.answer !== "string") throw new Error("The server's answer could not be read");
  return body;
}
