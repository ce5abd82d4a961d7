// Steady load from concurrent clients: each loops over chat completions until stop().
import { chat, chatStream } from './http.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];

/**
 * `clients` loops, half plain requests and half streamed ones. A request counts as completed
 * once the client has its whole reply: its charge is committed by then. `failures` collects
 * anything else.
 */
export class Load {
  constructor(gateway, key, { clients = 12, model = 'mock-fixed' } = {}) {
    this.gateway = gateway;
    this.key = key;
    this.clients = clients;
    this.model = model;
    this.started = 0;
    this.completed = []; // request ids, in completion order
    this.failures = [];
    this.stopping = false;
  }

  start() {
    this.workers = Array.from({ length: this.clients }, (_, i) => this.run(i % 2 === 1));
  }

  async run(streamed) {
    while (!this.stopping) {
      this.started += 1;
      try {
        if (streamed) {
          const stream = chatStream(this.gateway, this.key, { model: this.model, stream: true, messages: MESSAGES });
          const response = await stream.response;
          const { complete, raw } = await stream.done;
          if (response.statusCode !== 200 || !complete) {
            this.failures.push(`stream: status ${response.statusCode}, complete ${complete}: ${raw.slice(0, 200)}`);
          } else {
            this.completed.push(response.headers['x-request-id']);
          }
        } else {
          const reply = await chat(this.gateway, this.key, { model: this.model, messages: MESSAGES });
          if (reply.status !== 200) {
            this.failures.push(`status ${reply.status}: ${reply.text.slice(0, 200)}`);
          } else {
            this.completed.push(reply.headers.get('x-request-id'));
          }
        }
      } catch (error) {
        this.failures.push(`request failed: ${error.message}`);
      }
    }
  }

  async stop() {
    this.stopping = true;
    await Promise.all(this.workers);
  }
}
