// The local inbox page: lists mails from /store every second and shows none of their HTML. A mail is
// shown only when opened, in a frame that loads /messages/<id>: the mail as its recipient gets it, whose
// tracking pixel reports the open. Listing therefore opens nothing. Text goes in through textContent.
(() => {
  const mails = document.getElementById('mails');
  const empty = document.getElementById('empty');
  const error = document.getElementById('error');
  const seen = new Set();
  // The listing's `since` is in whole seconds of the mails' `at`, the runtime's (virtual) clock.
  let since = 0;
  let generation = 0;

  const element = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className !== undefined) node.className = className;
    return node;
  };

  const wrap = (tag, child) => {
    const node = document.createElement(tag);
    node.append(child);
    return node;
  };

  const field = (list, name, value) => {
    list.append(element('dt', name), value instanceof Node ? wrap('dd', value) : element('dd', value));
  };

  const sentTime = (at) => {
    const date = new Date(at * 1000);
    const time = element(
      'time',
      date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }),
    );
    time.dateTime = date.toISOString();
    time.title = date.toISOString();
    return time;
  };

  const mailUrl = (messageId) => `/messages/${encodeURIComponent(messageId)}`;

  const card = (mail) => {
    const node = element('article', undefined, 'mail');
    node.dataset.messageId = mail.messageId;
    node.append(element('h2', mail.subject));
    const details = document.createElement('dl');
    field(details, 'Sent', sentTime(mail.at));
    field(details, 'From', mail.from);
    for (const [name, addresses] of [
      ['To', mail.destination.to],
      ['Cc', mail.destination.cc],
      ['Bcc', mail.destination.bcc],
      ['Reply to', mail.replyTo],
    ]) {
      if (addresses.length > 0) field(details, name, addresses.join(', '));
    }
    node.append(details);

    const actions = element('div', undefined, 'actions');
    const open = element('button', 'Open', 'open');
    open.type = 'button';
    let frame;
    open.addEventListener('click', () => {
      if (frame === undefined) {
        // Loading the mail is opening it: its pixel loads with it, once per opening.
        frame = document.createElement('iframe');
        frame.title = `Mail: ${mail.subject}`;
        frame.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
        frame.src = mailUrl(mail.messageId);
        node.append(frame);
        open.textContent = 'Close';
        return;
      }
      frame.remove();
      frame = undefined;
      open.textContent = 'Open';
    });
    actions.append(open);
    const tab = element('a', 'Open in a new tab', 'button');
    tab.href = mailUrl(mail.messageId);
    tab.target = '_blank';
    tab.rel = 'noopener';
    actions.append(tab);
    if (mail.body.text !== undefined) {
      const text = element('pre', mail.body.text, 'text');
      text.hidden = true;
      const toggle = element('button', 'Text version');
      toggle.type = 'button';
      toggle.addEventListener('click', () => {
        text.hidden = !text.hidden;
      });
      actions.append(toggle);
      node.append(actions, text);
    } else {
      node.append(actions);
    }
    return node;
  };

  const refresh = async () => {
    const current = generation;
    let store;
    try {
      const response = await fetch(`/store?since=${since}`, { cache: 'no-store' });
      if (!response.ok) throw new Error(`the local SES answered ${response.status}`);
      store = await response.json();
      error.hidden = true;
    } catch (failure) {
      error.textContent = `Could not read the inbox (${failure}). Is the local runtime still running? Retrying.`;
      error.hidden = false;
      return;
    }
    if (current !== generation) return;
    for (const mail of store.emails) {
      if (seen.has(mail.messageId)) continue;
      seen.add(mail.messageId);
      since = Math.max(since, mail.at);
      mails.prepend(card(mail));
    }
    empty.hidden = seen.size > 0;
  };

  document.getElementById('clear').addEventListener('click', async () => {
    await fetch('/clear-store', { method: 'POST' });
    generation += 1;
    seen.clear();
    since = 0;
    mails.replaceChildren();
    empty.hidden = false;
  });

  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await refresh();
    } finally {
      running = false;
    }
  };
  void tick();
  setInterval(tick, 1000);
})();
