import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "../config.ts";

function problems(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env, []);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

Deno.test("parseConfig reads the LLM agent's settings", () => {
  const config = parseConfig({
    LLM_URL: "http://localhost:11434",
    LLM_MODEL: "llama3.1:8b",
    LLM_API_KEY: "sk-1",
    LLM_TIMEOUT_MS: "30000",
  }, []);
  assert.deepEqual(config.llm, {
    url: "http://localhost:11434",
    model: "llama3.1:8b",
    apiKey: "sk-1",
    timeoutMs: 30_000,
  });
  assert.equal(config.llmUrl, "http://localhost:11434");
  const flags = parseConfig({}, [
    "--llm-url=https://api.openai.com/v1",
    "--llm-model",
    "gpt-4o-mini",
  ]);
  assert.deepEqual(flags.llm, {
    url: "https://api.openai.com/v1",
    model: "gpt-4o-mini",
    apiKey: undefined,
    timeoutMs: 60_000,
  });
  assert.equal(parseConfig({}, []).llm, undefined);
});

Deno.test("parseConfig refuses incomplete or malformed LLM settings", () => {
  assert.deepEqual(problems({ LLM_URL: "http://localhost:11434" }), [
    "LLM_MODEL must be set with LLM_URL: the model to ask, e.g. llama3.1:8b (Ollama) or gpt-4o-mini (OpenAI)",
  ]);
  assert.deepEqual(problems({ LLM_MODEL: "m", LLM_API_KEY: "k" }), [
    "LLM_MODEL, LLM_API_KEY set but LLM_URL is not; set LLM_URL too",
  ]);
  assert.deepEqual(problems({ LLM_URL: "http://x", LLM_MODEL: "m", LLM_TIMEOUT_MS: "500" }), [
    "LLM_TIMEOUT_MS must be an integer from 1000 to 600000 (ms): current value is '500'",
  ]);
  assert.deepEqual(problems({ LLM_URL: "ollama:11434", LLM_MODEL: "m" }), [
    "LLM_URL must use http: or https:: current value is 'ollama:11434'",
  ]);
});
