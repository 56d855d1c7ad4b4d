/**
 * An LLM agent as an OANIX module agent: a chat-completions tool loop
 * against any OpenAI-compatible endpoint, reached through /cap/http (the
 * only way out of its sandbox). Its tools work on the namespace: read,
 * write, edit, list, and bash through OANIX's shell (`program.with_shell`).
 * The API key is never here: requests carry the placeholder
 * `{{secret:API_KEY}}`, which the host's executor replaces on the way out.
 *
 * Environment: MODEL_URL (the chat-completions URL), MODEL (its name).
 *
 * @module
 */

/** What the agent uses of its environment (see AgentEnvironment). */
interface Env {
  namespace: { readdir(path: string): { name: string; kind: string }[] };
  env: Record<string, string>;
  readText(path: string): string;
  readJson(path: string): unknown;
  writeText(path: string, text: string): void;
  shell?: (script: string, options?: { cwd?: string }) => {
    exitCode: number;
    stdout: string;
    stderr: string;
  };
}

interface ToolCall {
  id: string;
  function: { name: string; arguments: string };
}

interface Message {
  role: "system" | "user" | "assistant" | "tool";
  content: string | null;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

const MAX_TURNS = 30;
/** Characters of a tool's output given back to the model. */
const MAX_TOOL_OUTPUT = 20_000;

const SYSTEM = "You are a careful software agent. You work only through your tools, on the files " +
  "under /workspace (relative paths start there). Make the smallest change that does the task, " +
  "check it, then call finish.";

const string = (description: string) => ({ type: "string", description });

function tool(name: string, description: string, properties: Record<string, unknown>) {
  return {
    type: "function",
    function: {
      name,
      description,
      parameters: { type: "object", properties, required: Object.keys(properties) },
    },
  };
}

const TOOLS = [
  tool("read", "Read a text file.", { path: string("The file.") }),
  tool("write", "Create or replace a file.", {
    path: string("The file."),
    content: string("Its whole new content."),
  }),
  tool("edit", "Replace one exact, unique piece of a file's text.", {
    path: string("The file."),
    old_string: string("The text to replace, exactly as in the file."),
    new_string: string("What replaces it."),
  }),
  tool("list", "List a folder.", { path: string("The folder.") }),
  tool("bash", "Run a bash script over the files (grep, sed, find, ...; no network).", {
    command: string("The script."),
  }),
  tool("finish", "End the task with a summary of what was done.", {
    summary: string("What changed and why."),
  }),
];

function absolute(path: string): string {
  return path.startsWith("/") ? path : `/workspace/${path}`;
}

/** Runs one tool; its output (or its error) is what the model reads next. */
function runTool(env: Env, name: string, args: Record<string, string>): string {
  switch (name) {
    case "read":
      return env.readText(absolute(args.path));
    case "write":
      env.writeText(absolute(args.path), args.content);
      return `wrote ${absolute(args.path)}`;
    case "edit": {
      const path = absolute(args.path);
      const text = env.readText(path);
      const count = text.split(args.old_string).length - 1;
      if (count !== 1) return `error: old_string occurs ${count} times in ${path}`;
      env.writeText(path, text.replace(args.old_string, () => args.new_string));
      return `edited ${path}`;
    }
    case "list":
      return env.namespace.readdir(absolute(args.path ?? "."))
        .map((e) => e.name + (e.kind === "dir" ? "/" : "")).join("\n");
    case "bash": {
      if (env.shell === undefined) return "error: no shell (program.with_shell is off)";
      const r = env.shell(args.command);
      return `${r.stdout}${r.stderr ? `\n[stderr]\n${r.stderr}` : ""}\n[exit ${r.exitCode}]`;
    }
    default:
      return `error: no tool ${name}`;
  }
}

let requests = 0;

/** One chat-completions call through /cap/http. */
function chat(env: Env, messages: Message[]): Message {
  const id = `chat-${++requests}`;
  env.writeText(
    "/cap/http/request",
    JSON.stringify({
      id,
      method: "POST",
      url: env.env.MODEL_URL,
      headers: {
        "content-type": "application/json",
        authorization: "Bearer {{secret:API_KEY}}",
      },
      body: JSON.stringify({ model: env.env.MODEL, messages, tools: TOOLS }),
    }),
  );
  const res = env.readJson(`/cap/http/responses/${id}.json`) as {
    status?: number;
    body?: string;
    body_file?: string;
    error?: string;
  };
  if (res.error !== undefined) throw new Error(`the model could not be reached: ${res.error}`);
  const body = res.body ?? env.readText(`/cap/http/responses/${res.body_file}`);
  if (res.status !== 200) {
    throw new Error(`the model answered ${res.status}: ${body.slice(0, 500)}`);
  }
  const reply = JSON.parse(body) as { choices: { message: Message }[] };
  return reply.choices[0].message;
}

/** The tool loop: ask, run the tools asked for, give back their output, until finish. */
export default function llmAgent(env: Env): number {
  if (!env.env.MODEL_URL) throw new Error("give the model's URL in MODEL_URL");
  const spec = env.readJson("/task/spec.json") as { description: string; input: unknown };
  const messages: Message[] = [
    { role: "system", content: SYSTEM },
    { role: "user", content: `${spec.description}\n\nInput: ${JSON.stringify(spec.input)}` },
  ];
  for (let turn = 1; turn <= MAX_TURNS; turn++) {
    const message = chat(env, messages);
    messages.push(message);
    const calls = message.tool_calls ?? [];
    if (calls.length === 0) {
      env.writeText("/task/result.json", JSON.stringify({ summary: message.content, turns: turn }));
      return 0;
    }
    for (const call of calls) {
      const args = JSON.parse(call.function.arguments || "{}") as Record<string, string>;
      console.log(`turn ${turn}: ${call.function.name} ${JSON.stringify(args).slice(0, 120)}`);
      if (call.function.name === "finish") {
        env.writeText("/task/result.json", JSON.stringify({ summary: args.summary, turns: turn }));
        return 0;
      }
      let output: string;
      try {
        output = runTool(env, call.function.name, args);
      } catch (e) {
        output = `error: ${e instanceof Error ? e.message : e}`;
      }
      messages.push({
        role: "tool",
        tool_call_id: call.id,
        content: output.slice(0, MAX_TOOL_OUTPUT),
      });
    }
  }
  throw new Error(`no finish after ${MAX_TURNS} turns`);
}
