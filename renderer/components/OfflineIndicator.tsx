export function OfflineIndicator({ online }: { online: boolean }) {
  if (online) return <span className="online-indicator online">Online</span>;
  return (
    <span className="online-indicator offline" data-testid="offline-indicator">
      Offline: using the license saved on this computer
    </span>
  );
}
