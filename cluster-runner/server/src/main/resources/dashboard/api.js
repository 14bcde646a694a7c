// The runner's API as the dashboard calls it: the token goes in the Authorization header only, never in a URL.

/** A refusal or failure of the runner, with its status and the reason it gave. */
export class ApiError extends Error {
  constructor(status, message, problems = []) {
    super(message);
    this.status = status;
    this.problems = problems;
  }
}

export class Api {
  /**
   * @param token          the runner token the person pasted
   * @param onUnauthorized called when the runner stops accepting the token (revoked, runner reset)
   */
  constructor(token, onUnauthorized = () => {}) {
    this.token = token;
    this.onUnauthorized = onUnauthorized;
  }

  headers(extra = {}) {
    return { Authorization: `Bearer ${this.token}`, ...extra };
  }

  async request(method, path, body) {
    const headers = this.headers({ Accept: 'application/json' });
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let rsp;
    try {
      rsp = await fetch(path, {
        method, headers, cache: 'no-store', credentials: 'omit',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, `the runner cannot be reached (${e.message})`);
    }
    const text = await rsp.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!rsp.ok) {
      const error = new ApiError(rsp.status, (json && json.error) || `${rsp.status} ${rsp.statusText}`,
        (json && json.problems) || []);
      if (rsp.status === 401) {
        this.onUnauthorized(error);
      }
      throw error;
    }
    return json;
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body = {}) {
    return this.request('POST', path, body);
  }

  /**
   * Who the token belongs to: {name, role, apps}. A runner without scoped tokens (no whoami, 404) has one token that
   * may do everything: it is taken as admin.
   */
  async whoami() {
    try {
      return await this.get('/api/v1/whoami');
    } catch (e) {
      if (e.status === 404) {
        return { name: null, role: 'admin', apps: null };
      }
      throw e;
    }
  }
}

/** Whether the token may change releases: roles are read < deploy < admin. */
export function mayChange(identity) {
  return identity && identity.role !== 'read';
}

export const path = {
  apps: () => '/api/v1/apps',
  release: (id) => `/api/v1/releases/${encodeURIComponent(id)}`,
  plan: (id) => `/api/v1/releases/${encodeURIComponent(id)}/plan`,
  events: (id) => `/api/v1/releases/${encodeURIComponent(id)}/events`,
  command: (id, verb) => `/api/v1/releases/${encodeURIComponent(id)}/${verb}`,
  rollback: (app) => `/api/v1/apps/${encodeURIComponent(app)}/rollback`,
};
