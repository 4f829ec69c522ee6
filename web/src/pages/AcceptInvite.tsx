// An invitation link: a signed-in person accepts it here; anyone else signs in or signs up with it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { useMe } from '../session';
import { ErrorBox, Loading, roleLabel, usePageTitle } from '../ui/ui';

export default function AcceptInvite() {
  usePageTitle('Accept invitation');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const me = useMe();
  const client = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: () => call(api.POST('/api/invitations/accept', { body: { token } })),
    onSuccess: async (result) => {
      await call(api.PATCH('/api/users/me', { body: { active_organization: result.organization_id } }));
      client.clear();
    },
  });
  const here = `/accept-invite?token=${encodeURIComponent(token)}`;
  return (
    <main className="auth" id="main">
      <div className="auth-card">
        <p className="brand">Groundtruth</p>
        <h1>Accept invitation</h1>
        {!token ? <p className="error">This link has no invitation token.</p> : null}
        {me.isLoading ? <Loading /> : null}
        {token && me.data === null ? (
          <>
            <p>Sign in or create an account to accept the invitation.</p>
            <ul className="auth-links">
              <li>
                <Link to={`/signin?next=${encodeURIComponent(here)}`}>Sign in</Link>
              </li>
              <li>
                <Link to={`/signup?invite=${encodeURIComponent(token)}`}>Create an account</Link>
              </li>
            </ul>
          </>
        ) : null}
        {token && me.data ? (
          accept.isSuccess ? (
            <>
              <p className="notice" role="status">
                You joined the organization as {roleLabel(accept.data.role)}.
              </p>
              <button type="button" className="primary" onClick={() => navigate('/projects')}>
                Go to projects
              </button>
            </>
          ) : (
            <>
              <p>
                Signed in as <strong>{me.data.username}</strong>.
              </p>
              <ErrorBox error={accept.error} />
              <button
                type="button"
                className="primary"
                disabled={accept.isPending}
                onClick={() => accept.mutate()}
              >
                Accept invitation
              </button>
            </>
          )
        ) : null}
      </div>
    </main>
  );
}
