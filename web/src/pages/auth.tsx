// Signed-out screens: sign in, sign up, magic link, password reset, email confirmation.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { ErrorBox, Field, usePageTitle } from '../ui/ui';

function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  usePageTitle(title);
  return (
    <main className="auth" id="main">
      <div className="auth-card">
        <p className="brand">Groundtruth</p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** Only same-site paths: a crafted ?next= must not send the user elsewhere. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/projects';
}

function useSignedIn() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return async (user: unknown) => {
    client.clear();
    client.setQueryData(['me'], user);
    navigate(safeNext(params.get('next')), { replace: true });
  };
}

const submit = (fn: () => void) => (e: FormEvent) => {
  e.preventDefault();
  fn();
};

export function SignIn() {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const signedIn = useSignedIn();
  const [params] = useSearchParams();
  const mutation = useMutation({
    mutationFn: () => call(api.POST('/api/auth/login', { body: { login, password } })),
    onSuccess: (data) => signedIn(data.user),
  });
  const next = params.get('next');
  return (
    <AuthFrame title="Sign in">
      <form onSubmit={submit(() => mutation.mutate())}>
        <Field
          label="Email or username"
          autoComplete="username"
          required
          value={login}
          onChange={(e) => setLogin(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorBox error={mutation.error} />
        <button type="submit" className="primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <ul className="auth-links">
        <li>
          <Link to={`/signup${next ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</Link>
        </li>
        <li>
          <Link to="/magic-link">Email me a sign-in link</Link>
        </li>
        <li>
          <Link to="/reset-password">Forgot your password?</Link>
        </li>
      </ul>
    </AuthFrame>
  );
}

export function SignUp() {
  const [form, setForm] = useState({ email: '', username: '', password: '', first_name: '', last_name: '' });
  const [params] = useSearchParams();
  const invite = params.get('invite');
  const signedIn = useSignedIn();
  const mutation = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/auth/signup', {
          body: {
            email: form.email,
            username: form.username,
            password: form.password,
            ...(form.first_name ? { first_name: form.first_name } : {}),
            ...(form.last_name ? { last_name: form.last_name } : {}),
            ...(invite ? { invite_token: invite } : {}),
          },
        }),
      ),
    onSuccess: (data) => signedIn(data.user),
  });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });
  return (
    <AuthFrame title="Create an account">
      {invite ? <p className="notice">You will join the organization that invited you.</p> : null}
      <form onSubmit={submit(() => mutation.mutate())}>
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={set('email')}
        />
        <Field
          label="Username"
          autoComplete="username"
          required
          hint="3–50 letters, digits or _"
          value={form.username}
          onChange={set('username')}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 8 characters with an upper-case letter, a lower-case letter and a digit"
          value={form.password}
          onChange={set('password')}
        />
        <div className="row">
          <Field
            label="First name"
            autoComplete="given-name"
            value={form.first_name}
            onChange={set('first_name')}
          />
          <Field
            label="Last name"
            autoComplete="family-name"
            value={form.last_name}
            onChange={set('last_name')}
          />
        </div>
        <ErrorBox error={mutation.error} />
        <button type="submit" className="primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p className="auth-links">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </AuthFrame>
  );
}

function EmailRequest({ label, send }: { label: string; send: (email: string) => Promise<unknown> }) {
  const [email, setEmail] = useState('');
  const mutation = useMutation({ mutationFn: () => send(email) });
  if (mutation.isSuccess) {
    return (
      <p className="notice" role="status">
        If an account uses {email}, a message is on its way. The link in it works once.
      </p>
    );
  }
  return (
    <form onSubmit={submit(() => mutation.mutate())}>
      <Field
        label="Email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <ErrorBox error={mutation.error} />
      <button type="submit" className="primary" disabled={mutation.isPending}>
        {label}
      </button>
    </form>
  );
}

export function MagicLink() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const signedIn = useSignedIn();
  const confirm = useMutation({
    mutationFn: (t: string) => call(api.POST('/api/auth/magic-link/confirm', { body: { token: t } })),
    onSuccess: (data) => signedIn(data.user),
  });
  if (token) {
    return (
      <AuthFrame title="Sign in with a link">
        <p>Continue to sign in with the link from your email.</p>
        <ErrorBox error={confirm.error} />
        <button
          type="button"
          className="primary"
          disabled={confirm.isPending}
          onClick={() => confirm.mutate(token)}
        >
          Sign in
        </button>
        <p className="auth-links">
          <Link to="/signin">Back to sign in</Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Email me a sign-in link">
      <EmailRequest
        label="Send link"
        send={(email) => call(api.POST('/api/auth/magic-link', { body: { email } }))}
      />
      <p className="auth-links">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </AuthFrame>
  );
}

export function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const [password, setPassword] = useState('');
  const set = useMutation({
    mutationFn: (t: string) =>
      call(api.POST('/api/auth/password-reset/confirm', { body: { token: t, password } })),
  });
  if (token) {
    return (
      <AuthFrame title="Choose a new password">
        {set.isSuccess ? (
          <p className="notice" role="status">
            Your password is changed and your other sessions are signed out. <Link to="/signin">Sign in</Link>
          </p>
        ) : (
          <form onSubmit={submit(() => set.mutate(token))}>
            <Field
              label="New password"
              type="password"
              autoComplete="new-password"
              required
              hint="At least 8 characters with an upper-case letter, a lower-case letter and a digit"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <ErrorBox error={set.error} />
            <button type="submit" className="primary" disabled={set.isPending}>
              Set password
            </button>
          </form>
        )}
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Reset your password">
      <EmailRequest
        label="Send reset link"
        send={(email) => call(api.POST('/api/auth/password-reset', { body: { email } }))}
      />
      <p className="auth-links">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </AuthFrame>
  );
}

export function ConfirmEmail() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const confirm = useMutation({
    mutationFn: () => call(api.POST('/api/auth/email-confirmation/confirm', { body: { token } })),
  });
  return (
    <AuthFrame title="Confirm your email">
      {confirm.isSuccess ? (
        <p className="notice" role="status">
          Your email address is confirmed. <Link to="/projects">Continue</Link>
        </p>
      ) : (
        <>
          <ErrorBox error={confirm.error} />
          <button
            type="button"
            className="primary"
            disabled={!token || confirm.isPending}
            onClick={() => confirm.mutate()}
          >
            Confirm email
          </button>
        </>
      )}
    </AuthFrame>
  );
}
