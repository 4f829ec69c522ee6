import { Link } from 'react-router';
import { PageHeader } from '../ui/ui';

export default function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is nothing at this address. <Link to="/projects">Go to projects</Link>
      </p>
    </>
  );
}
