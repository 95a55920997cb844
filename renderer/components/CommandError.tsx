import { useUi } from '../store-context';

export function CommandError() {
  const message = useUi((s) => s.commandError);
  if (!message) return null;
  return <p className="notice notice-error" role="alert">{message}</p>;
}
