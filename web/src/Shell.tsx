// The signed-in frame: header with organization switcher and account menu, navigation, the page.
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { messageOf } from './api/client';
import { shellRoutes } from './routes';
import { useCurrentOrg, useMe, useSignOut, useSwitchOrg } from './session';
import { ErrorBox, Loading } from './ui/ui';

export function Shell() {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const { org, orgs } = useCurrentOrg();
  const switchOrg = useSwitchOrg();
  const signOut = useSignOut();

  if (me.isLoading) return <Loading what="Loading your account" />;
  if (me.error) return <ErrorBox error={me.error} />;
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/signin?next=${encodeURIComponent(next)}`} replace />;
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Groundtruth</span>
        <div className="field inline">
          <label htmlFor="org-switcher" className="visually-hidden">
            Organization
          </label>
          <select
            id="org-switcher"
            value={org?.id ?? ''}
            disabled={switchOrg.isPending || orgs.length === 0}
            onChange={(e) => switchOrg.mutate(Number(e.target.value))}
          >
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        {switchOrg.error ? (
          <span className="error" role="alert">
            {messageOf(switchOrg.error)}
          </span>
        ) : null}
        <span className="spacer" />
        <span className="muted user-name">{me.data.username}</span>
        <button
          type="button"
          className="link-button"
          onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/signin') })}
        >
          Sign out
        </button>
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {shellRoutes.map((r) => (
            <li key={r.path}>
              <NavLink to={`/${r.path}`}>{r.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
